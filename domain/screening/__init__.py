"""The §9 screen: is a membership decision's reason or criterion made on a ground the
CERN Diversity Policy prohibits (profession, nationality, culture, age, generation,
gender, individual preferences)? English and French. Pure: word lists are data modules
(``vocabulary``, ``demonyms_fr``, and ``countries``, generated from pycountry/countryinfo).
"""
