"""The words of the §9 screen, English and French, normalised (``text.normalize``).

Hand-written for this project from the grounds CERN-AG §9 names; country names and
demonyms come from ``countries`` (generated) and ``demonyms_fr`` (vendored).

* STRONG: a word that names a prohibited ground or a class of people by it (nationality,
  women, Italians, too old). With exclusion framing (``CUES``) it is a clear breach.
* WEAK: a word that may touch a ground but is often innocent (culture, country, career).
* INTRINSIC: phrases that are a breach on their own (``too old``, ``trop jeune``).
* MASKS: innocent collocations removed before anything is matched (``orientation session``).
"""

from __future__ import annotations

import re

GROUNDS = ("profession", "nationality", "culture", "age", "generation", "gender", "individual preferences")


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b")


STRONG = {
    "profession": _words(
        r"professions?|occupations?|line of work|metiers?|lawyers?|bankers?|accountants?|salesm[ae]n|"
        r"teachers?|nurses?|plumbers?|farmers?|avocats?|banquiers?|comptables?|enseignants?|infirmier(?:e|s|es)?|"
        r"plombiers?|agriculteurs?|(?:their|his|her|son|sa|ses|leur) (?:job|jobs|employer|emploi|travail)"
    ),
    "nationality": _words(
        r"nationality|nationalities|nationalites?|citizenships?|citizens?|citoyen(?:ne)?s?|citoyennete|"
        r"passports?|passeports?|foreigners?|etrangers?|etrangeres?|immigrants?|immigres?|migrants?|expatriates?|"
        r"expats?|expatries?|non (?:nationals?|citizens?|europeans?)|english|englishm[ae]n|scots?|europeans?|"
        r"asians?|africans?|latinos?|latinas?|hispanics?|asiatiques?|africaines?|africains?|brits?|yanks?|"
        r"gringos?|nordics?|scandinavians?|scandinaves?|slavs?|slavic|slaves|balkans?|latin americans?|"
        r"maghrebins?|maghrebines?"
    ),
    "culture": _words(
        r"ethnic|ethnicity|ethnicities|ethnies?|ethniques?|races?|racial|raciale?s?|racist|racistes?|religions?|"
        r"religious|religieux|religieuses?|muslims?|musulmane?s?|christians?|chretiens?|chretiennes?|jews?|jewish|"
        r"juifs?|juives?|hindus?|hindous?|buddhists?|bouddhistes?|catholics?|catholiques?|protestants?|"
        r"protestantes?|atheists?|athees?|skin colou?r|couleur de (?:la )?peau|arabs?|arabes?|castes?|"
        r"(?:their|his|her|sa|son|leur|ses|leurs) cultures?|colou?r of (?:his|her|their) skin|skin|black people|"
        r"white people|(?:is|are) (?:black|white|brown)|(?:est|sont) (?:noire?s?|blanche?s?)|headscarf|hijab|"
        r"kippah?|turbans?|burqa|niqab|voilee?s?|cultural background|origine ethnique|ethnic origins?"
    ),
    "age": _words(
        r"age|aged|agee|agees|ageism|elderly|years old|year old|ans d age|personnes agees|vieux|vieille|vieilles|"
        r"jeune|jeunes|old people|young people|over the age of|under the age of|kids?|teenagers?|teens|"
        r"adolescents?|adolescentes?|ados"
    ),
    "generation": _words(r"generations?|generationnel(?:le)?s?|boomers?|millennials?|gen [xyz]|zoomers?"),
    "gender": _words(
        r"genders?|sex|sexes|sexe|males?|females?|feminine|masculine|feminin|masculin|feminines?|masculines?|"
        r"wom[ae]n|m[ae]n|femmes?|hommes?|girls?|boys?|filles?|garcons?|lady|ladies|gentlem[ae]n|transgenders?|"
        r"transgenres?|non binary|pregnant|pregnancy|maternity|paternity|enceinte|grossesse|maternite|paternite|"
        r"mothers?|fathers?|her husband|son mari|sa femme"
    ),
    "individual preferences": _words(
        r"sexual orientation|orientation sexuelle|sexuality|sexualite|gays?|lesbians?|lesbiennes?|homosexuals?|"
        r"homosexuel(?:le)?s?|bisexuals?|bisexuel(?:le)?s?|lgbt\w*|queer|(?:individual|personal) preferences?|"
        r"preferences? (?:personnelles?|individuelles?)|lifestyles?|life style|mode de vie|style de vie|"
        r"sexual|sexuel(?:le)?s?"
    ),
}

WEAK = {
    "profession": _words(
        r"professional|professionnel(?:le)?s?|careers?|carrieres?|jobs?|employment|emplois?|occupation|engineers?|"
        r"technicians?|physicists?|ingenieurs?|techniciens?|physiciens?|industry|industrie|private sector|secteur prive"
    ),
    "nationality": _words(
        r"country|countries|pays|nationals?|nationale?s?|native|natif|natives?|origins?|origines?|foreign|"
        r"etranger|polish|homeland|patrie|border|frontiere"
    ),
    "culture": _words(
        r"cultures?|culturel(?:le)?s?|customs|coutumes?|traditions?|traditionnel(?:le)?s?|languages?|langues?|"
        r"mother tongue|langue maternelle|accents?|halal|kosher|casher|faith|foi|beliefs?|croyances?|church|eglise|"
        r"mosque|mosquee|synagogue|temple"
    ),
    "age": _words(r"old|young|older|younger|retired|retirees?|retraitee?s?|seniors?|juniors?|aged \d+|\d+ years old|\d+ ans"),
    "generation": _words(r"era|epoque"),
    "gender": _words(r"genre|genres|trans|husband|wife|mari|epouse|children|kids|enfants|family|famille"),
    "individual preferences": _words(
        r"orientations?|preferences?|tastes?|gouts?|hobbies|hobby|loisirs?|politics|political|politiques?|"
        r"vegans?|vegetarians?|vegetarien(?:ne)?s?|veganes?|personal life|vie privee|private life"
    ),
}

INTRINSIC = {
    "age": _words(
        r"too old|too young|trop (?:vieux|vieille|vieilles|jeunes?|agee?s?|age)|age limit|limite d age|"
        r"(?:plus|moins) de \d+ ans|(?:over|under) \d+ years of age|older than \d+|younger than \d+|"
        r"(?:people|members|applicants|those|anyone|personnes|membres|candidats) (?:under|over|above|below|aged) \d+"
    ),
}

CUES = _words(
    r"because|due to|owing to|on (?:the )?grounds? of|grounds|given (?:his|her|their)|as (?:he|she|they) (?:is|are)|"
    r"too|only|solely|exclusively|just for|reserved for|restricted to|limited to|not (?:welcome|wanted|suitable|"
    r"appropriate|the right|a good fit|one of us|like us)|(?:do|does|did) not (?:want|like|fit)|(?:don|doesn|didn) t "
    r"(?:want|like|fit)|we (?:do not |don t |only )?(?:take|accept|admit|want|like|need)|no (?:place|room) for|"
    r"enough|must be|not (?:of|from) (?:our|the same)|(?:does|do|did) not (?:suit|fit|match)|disapprove|reasons?|"
    r"raisons?|ne (?:correspond|correspondent|convient|conviennent|plait) pas|pas de (?:notre|la meme)|must have|has to be|have to be|required to be|prefer|rather than|instead of|other than|"
    r"parce que|parce qu|car|a cause de|en raison de|du fait de|pour cause de|vu (?:son|sa|ses|leur)|etant donne|"
    r"trop|seulement|uniquement|exclusivement|que des|qu aux|reservee? aux?|ne (?:voulons|veut|veulent|souhaitons|"
    r"prenons|prend) pas|n (?:acceptons|accepte|acceptent|admettons|admet) pas|pas (?:les )?bienvenue?s?|"
    r"pas assez|assez|doit etre|doivent etre|il faut etre|plutot que|au lieu de|pas de"
)

MASKS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\borientation (?:sessions?|days?|weeks?|meetings?|talks?|programmes?|programs?|events?|seminars?|courses?)\b",
        r"\b(?:seances?|reunions?|journees?|semaines?|sessions?|programmes?|cours) d orientation\b",
        r"\b(?:next|new|future|upcoming|latest|nouvelle|prochaine|future) generation\b",
        r"\bgeneration (?:of |de |d |des |du )?(?:detectors?|accelerators?|magnets?|chips?|experiments?|colliders?|"
        r"computing|hardware|software|triggers?|electronics|detecteurs?|accelerateurs?|aimants?|experiences?|"
        r"collisionneurs?|electronique|logiciels?)\b",
        r"\b(?:event|data|power|code|monte carlo|electricity|signal|energy) generation\b",
        r"\b(?:moyen|stone|bronze|iron|ice|digital|information) age\b",
        r"\b(?:safety|security|company|corporate|open|pop|cell) culture\b|\bculture (?:of|de) (?:la )?"
        r"(?:safety|securite|excellence|openness|collaboration)\b",
        r"\b(?:isle|ile) (?:of|de) man\b|\bman (?:hours?|months?|years?|power)\b",
        r"\ba l etranger\b|\bcitizen science\b",
    )
)

# A demonym next to one of these names a place or an institution, not a person:
# English adjectives come before the noun ("the French site"), French ones after ("site français").
PLACES_AFTER = frozenset(
    "site side border campus lab labs laboratory institute institutes university universities government "
    "authorities franc francs alps part territory embassy consulate company funding agency agencies node "
    "railways tax law customs post".split()
)
PLACES_BEFORE = frozenset(
    "site cote frontiere campus laboratoire labo institut universite gouvernement franc francs alpes partie "
    "territoire ambassade consulat entreprise financement agence ecole franco".split()
)

# Demonyms the generated lists hold that are everyday words ("we heard", "polish the text").
NOT_DEMONYMS = frozenset({"heard", "wallis", "polish", "south georgia", "the south sandwich islander"})

# Words that name where someone comes from, before a country name ("born in Italy").
ORIGIN = re.compile(
    r"\b(?:from|born in|native of|natives of|citizen of|citizens of|nationals? of|originally from|"
    r"originaire d(?:e|u|es)?|originaires d(?:e|u|es)?|ne en|nee en|ne au|nee au|ne a|nee a|venant d(?:e|u|es)?|"
    r"vient d(?:e|u|es)?|de nationalite)\s*$"
)
