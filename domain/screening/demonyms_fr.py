"""French demonyms (gentilés), normalised (lower case, no accents).

Hand-written for this project: no package on PyPI provides French demonyms (pycountry
and countryinfo give French country *names* only). Written from the usual French forms
of the names of the states pycountry lists; licence: the project's (Apache-2.0).
Each entry (``_`` for a space) is ``masculine`` or ``masculine/feminine`` when the feminine is not the
masculine plus ``e``; plurals (``+s`` unless the word ends in ``s`` or ``x``) are derived.
"""

from __future__ import annotations

DEMONYMS_FR = """
afghan albanais algerien/algerienne allemand americain andorran angolais argentin
armenien/armenienne australien/australienne autrichien/autrichienne azerbaidjanais
bahamien/bahamienne bahreini bangladais beninois belge bielorusse birman bolivien/bolivienne
bosnien/bosnienne bresilien/bresilienne britannique bulgare burkinabe burundais
cambodgien/cambodgienne camerounais canadien/canadienne capverdien/capverdienne centrafricain
chilien/chilienne chinois chypriote colombien/colombienne comorien/comorienne congolais
coreen/coreenne costaricien/costaricienne croate cubain danois djiboutien/djiboutienne
dominicain ecossais egyptien/egyptienne emirien/emirienne equatorien/equatorienne erythreen/erythreenne
espagnol estonien/estonienne ethiopien/ethiopienne europeen/europeenne fidjien/fidjienne
finlandais francais gabonais gallois gambien/gambienne georgien/georgienne ghaneen/ghaneenne
grec/grecque guatemalteque guineen/guineenne haitien/haitienne hondurien/hondurienne
hongrois indien/indienne indonesien/indonesienne irakien/irakienne iranien/iranienne
irlandais islandais israelien/israelienne italien/italienne ivoirien/ivoirienne
jamaicain japonais jordanien/jordanienne kazakh kenyan kirghiz kosovar koweitien/koweitienne
laotien/laotienne letton/lettonne libanais liberien/liberienne libyen/libyenne
liechtensteinois lituanien/lituanienne luxembourgeois macedonien/macedonienne malgache
malaisien/malaisienne malien/malienne maltais marocain mauricien/mauricienne
mauritanien/mauritanienne mexicain moldave monegasque mongol montenegrin mozambicain
namibien/namibienne neerlandais nepalais nicaraguayen/nicaraguayenne nigerian/nigeriane
nigerien/nigerienne norvegien/norvegienne neozelandais ougandais ouzbek pakistanais
palestinien/palestinienne panameen/panameenne paraguayen/paraguayenne peruvien/peruvienne
philippin polonais portugais qatari roumain russe rwandais salvadorien/salvadorienne
saoudien/saoudienne senegalais serbe singapourien/singapourienne slovaque slovene somalien/somalienne
soudanais srilankais sud_africain suedois suisse/suissesse syrien/syrienne tadjik
tanzanien/tanzanienne tchadien/tchadienne tcheque thailandais togolais tunisien/tunisienne
turc/turque turkmene ukrainien/ukrainienne uruguayen/uruguayenne venezuelien/venezuelienne
vietnamien/vietnamienne yemenite zambien/zambienne zimbabween/zimbabweenne
anglais hollandais
""".split()
