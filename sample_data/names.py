"""Names of the sample town's people and practitioners, and how other systems write them.

Frequencies are rough relative weights (common English surnames common), one list per community of the
town: British, Polish, Lithuanian, Latvian, Romanian, Portuguese, Pakistani and Indian. Surnames that change
with gender are (male, female married, female unmarried) triples.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import numpy as np

# community: weight among the town's households
COMMUNITIES: dict[str, float] = {
    "british": 0.70, "polish": 0.065, "lithuanian": 0.04, "latvian": 0.02, "romanian": 0.03,
    "portuguese": 0.025, "pakistani": 0.08, "indian": 0.04,
}


def _weighted(text: str) -> list[tuple[str, float]]:
    """`Name:weight Name:weight ...` (weight 1 when omitted) -> [(name, weight)]; `_` stands for a space."""
    out = []
    for item in text.split():
        name, _, weight = item.partition(":")
        out.append((name.replace("_", " "), float(weight) if weight else 1.0))
    return out


BRITISH_SURNAMES = _weighted(
    "Smith:100 Jones:75 Taylor:55 Brown:52 Williams:50 Wilson:38 Johnson:37 Davies:35 Robinson:32 Wright:31 "
    "Thompson:30 Evans:30 Walker:29 White:28 Roberts:27 Green:26 Hall:26 Wood:25 Jackson:24 Clarke:23 "
    "Harris:22 Lewis:22 Martin:21 Cooper:21 King:20 Lee:20 Baker:19 Harrison:19 Morgan:18 Allen:18 James:18 "
    "Scott:17 Phillips:17 Watson:16 Davis:16 Parker:15 Price:15 Bennett:15 Young:15 Griffiths:14 Mitchell:14 "
    "Kelly:14 Cook:14 Carter:13 Richardson:13 Bailey:13 Collins:13 Bell:12 Shaw:12 Murphy:12 Miller:12 Cox:12 "
    "Richards:11 Marshall:11 Anderson:11 Simpson:11 Ellis:11 Adams:10 Wilkinson:10 Foster:10 Chapman:10 "
    "Powell:10 Webb:10 Rogers:9 Gray:9 Mason:9 Hunt:9 Hughes:9 Palmer:9 Holmes:9 Mills:9 Barnes:8 Knight:8 "
    "Lloyd:8 Butler:8 Russell:8 Barker:8 Fisher:8 Stevens:8 Jenkins:7 Dixon:7 Fletcher:7 Fox:7 Howard:7 "
    "Pearson:7 Andrews:7 Elliott:7 Turner:12 Hill:12 Moore:12 Clark:11 Ward:11 Sutton:5 Whitehead:4 "
    "Gibson:6 Reynolds:5 Spencer:6 Hewitt:4 Newton:4 Pratt:3 Bird:4 Hammond:3 Goddard:3 Blackwell:2 "
    "O'Neill:10 O'Brien:9 O'Connor:7 O'Sullivan:5 O'Donnell:3 O'Reilly:4 McDonald:5 MacKenzie:3 McCarthy:3 McLean:2 "
    "Fitzgerald:2 De_Souza:1"
)
BRITISH_MALE_ADULT = _weighted(
    "David:30 Paul:25 Mark:25 Andrew:22 James:22 Michael:22 Richard:18 Daniel:18 Christopher:18 Matthew:16 "
    "Stephen:15 Robert:15 John:15 Lee:12 Craig:10 Darren:10 Wayne:8 Jason:9 Thomas:12 William:10 Anthony:10 "
    "Scott:8 Carl:7 Dean:7 Gary:8 Kevin:8 Neil:7 Peter:9 Simon:8 Ian:8 Jamie:8 Adam:8 Ryan:8 Liam:7 Ben:5 "
    "Benjamin:5 Jonathan:7 Nicholas:6 Joseph:6 Edward:5 Alexander:5 Shane:4 Kieran:4 Jake:3 Jack:4 Luke:5 "
    "Sean:5 Philip:6 Martin:6 Keith:4 Graham:4 Terence:3 Kenneth:3 Dennis:2 Raymond:3 Frederick:2 "
    "Harold:1 Gerald:2 Patrick:4 Timothy:3"
)
BRITISH_FEMALE_ADULT = _weighted(
    "Sarah:30 Emma:25 Lisa:20 Claire:20 Michelle:18 Nicola:18 Rebecca:18 Laura:18 Gemma:16 Kelly:14 "
    "Katherine:10 Catherine:8 Rachel:14 Joanne:14 Amanda:12 Helen:12 Louise:12 Stephanie:10 Samantha:12 "
    "Donna:8 Hayley:10 Natalie:10 Victoria:10 Jennifer:8 Elizabeth:10 Margaret:5 Susan:8 Karen:8 Tracey:7 "
    "Julie:7 Zoe:5 Zoë:2 Charlotte:10 Danielle:9 Leanne:8 Kirsty:8 Jade:8 Amy:10 Jessica:7 Hannah:7 Chloe:6 "
    "Kimberley:5 Alison:6 Deborah:5 Patricia:4 Christine:4 Sharon:5 Dawn:4 Jacqueline:4 Melanie:4 "
    "Abigail:4 Rosemary:2 Dorothy:2 Jean:2 Renée:1"
)
BRITISH_MALE_CHILD = _weighted(
    "Oliver:20 Jack:20 Harry:18 Jacob:14 Charlie:15 Thomas:14 George:14 Oscar:10 James:14 William:12 "
    "Noah:12 Alfie:12 Joshua:12 Leo:10 Freddie:9 Archie:10 Ethan:10 Isaac:7 Alexander:7 Joseph:8 Samuel:9 "
    "Daniel:9 Logan:7 Max:7 Mason:8 Lucas:7 Dylan:7 Riley:8 Tyler:7 Kai:5 Jake:8 Callum:6 Kieran:4 "
    "Connor:6 Lewis:6 Ryan:6 Aiden:5 Aidan:3 Luke:6 Matthew:6 Benjamin:6 Nathan:5 Harvey:6 Theo:6 "
    "Reuben:3 Finley:5 Jayden:4 Bradley:4 Jordan:4 Liam:4 Owen:4"
)
BRITISH_FEMALE_CHILD = _weighted(
    "Olivia:20 Amelia:18 Emily:16 Isla:12 Ava:14 Jessica:12 Lily:14 Ella:12 Ellie:12 Sophie:12 Grace:11 "
    "Chloe:10 Chloë:2 Mia:12 Isabella:10 Evie:10 Poppy:10 Ruby:10 Sophia:8 Freya:8 Daisy:8 Millie:8 "
    "Megan:7 Holly:6 Lucy:8 Katie:7 Hannah:6 Charlotte:8 Abigail:5 Lilly:4 Zoe:4 Zoë:1 Amber:6 Leah:5 "
    "Erin:5 Phoebe:5 Scarlett:6 Maisie:6 Elizabeth:4 Katherine:3 Rebecca:3 Courtney:3 Paige:4 Summer:3 "
    "Willow:3 Florence:3 Harriet:2"
)

POLISH_MALE = _weighted(
    "Łukasz:8 Piotr:10 Paweł:8 Krzysztof:8 Tomasz:9 Michał:8 Marcin:8 Jakub:7 Kamil:6 Mateusz:6 Szymon:5 "
    "Wojciech:5 Grzegorz:5 Dawid:5 Bartłomiej:3 Adrian:4 Jan:5 Filip:5 Oskar:4 Kacper:5 Andrzej:5 Sebastian:4"
)
POLISH_FEMALE = _weighted(
    "Anna:10 Małgorzata:7 Agnieszka:8 Katarzyna:9 Magdalena:7 Joanna:7 Monika:6 Aleksandra:5 Natalia:5 "
    "Zuzanna:5 Julia:5 Maja:5 Zofia:4 Wiktoria:4 Oliwia:4 Ewa:5 Beata:4 Dorota:4 Justyna:5 Karolina:5 "
    "Marta:4 Łucja:2"
)
POLISH_SURNAMES = [
    (("Nowak", "Nowak", "Nowak"), 10), (("Kowalski", "Kowalska", "Kowalska"), 8),
    (("Wiśniewski", "Wiśniewska", "Wiśniewska"), 6), (("Wójcik", "Wójcik", "Wójcik"), 6),
    (("Kowalczyk", "Kowalczyk", "Kowalczyk"), 5), (("Kamiński", "Kamińska", "Kamińska"), 5),
    (("Lewandowski", "Lewandowska", "Lewandowska"), 5), (("Zieliński", "Zielińska", "Zielińska"), 4),
    (("Szymański", "Szymańska", "Szymańska"), 4), (("Woźniak", "Woźniak", "Woźniak"), 4),
    (("Dąbrowski", "Dąbrowska", "Dąbrowska"), 4), (("Kozłowski", "Kozłowska", "Kozłowska"), 3),
    (("Jankowski", "Jankowska", "Jankowska"), 3), (("Mazur", "Mazur", "Mazur"), 3),
    (("Kwiatkowski", "Kwiatkowska", "Kwiatkowska"), 3), (("Krawczyk", "Krawczyk", "Krawczyk"), 3),
    (("Piotrowski", "Piotrowska", "Piotrowska"), 3), (("Grabowski", "Grabowska", "Grabowska"), 2),
    (("Pawłowski", "Pawłowska", "Pawłowska"), 2), (("Król", "Król", "Król"), 2),
    (("Wieczorek", "Wieczorek", "Wieczorek"), 2), (("Jabłoński", "Jabłońska", "Jabłońska"), 2),
]
LITHUANIAN_MALE = _weighted(
    "Jonas:8 Tomas:8 Mantas:7 Darius:6 Andrius:6 Lukas:6 Matas:5 Dominykas:4 Nojus:4 Giedrius:4 "
    "Mindaugas:4 Paulius:5 Vytautas:4 Žygimantas:2"
)
LITHUANIAN_FEMALE = _weighted(
    "Ieva:6 Rūta:6 Greta:6 Eglė:5 Kristina:6 Jurgita:5 Laura:5 Gabija:4 Emilija:5 Austėja:4 Vaida:4 "
    "Inga:4 Aistė:3"
)
LITHUANIAN_SURNAMES = [
    (("Kazlauskas", "Kazlauskienė", "Kazlauskaitė"), 6), (("Jankauskas", "Jankauskienė", "Jankauskaitė"), 5),
    (("Petrauskas", "Petrauskienė", "Petrauskaitė"), 5), (("Stankevičius", "Stankevičienė", "Stankevičiūtė"), 4),
    (("Vasiliauskas", "Vasiliauskienė", "Vasiliauskaitė"), 4), (("Žukauskas", "Žukauskienė", "Žukauskaitė"), 3),
    (("Butkus", "Butkienė", "Butkutė"), 3), (("Paulauskas", "Paulauskienė", "Paulauskaitė"), 3),
    (("Urbonas", "Urbonienė", "Urbonaitė"), 3), (("Kavaliauskas", "Kavaliauskienė", "Kavaliauskaitė"), 3),
]
LATVIAN_MALE = _weighted("Jānis:8 Andris:6 Māris:5 Edgars:5 Roberts:4 Kristaps:4 Artūrs:4 Mārtiņš:4 Dāvis:3 Rihards:3")
LATVIAN_FEMALE = _weighted("Anna:5 Kristīne:6 Ilze:5 Inese:5 Līga:5 Laura:4 Elīza:3 Sofija:3 Marta:3 Evelīna:3")
LATVIAN_SURNAMES = [
    (("Bērziņš", "Bērziņa", "Bērziņa"), 6), (("Kalniņš", "Kalniņa", "Kalniņa"), 5),
    (("Ozoliņš", "Ozoliņa", "Ozoliņa"), 5),
    (("Jansons", "Jansone", "Jansone"), 4), (("Ozols", "Ozola", "Ozola"), 4), (("Liepiņš", "Liepiņa", "Liepiņa"), 4),
    (("Krūmiņš", "Krūmiņa", "Krūmiņa"), 3), (("Balodis", "Balode", "Balode"), 3), (("Zariņš", "Zariņa", "Zariņa"), 3),
    (("Kļaviņš", "Kļaviņa", "Kļaviņa"), 2),
]
ROMANIAN_MALE = _weighted(
    "Ștefan:6 Andrei:8 Alexandru:7 Ionuț:5 Mihai:7 Gabriel:5 Florin:5 Constantin:4 Adrian:4 Cristian:5 "
    "Răzvan:4 David:4 Luca:4 Ion:4"
)
ROMANIAN_FEMALE = _weighted(
    "Maria:8 Elena:7 Ioana:7 Andreea:6 Alexandra:5 Mihaela:5 Gabriela:5 Cristina:5 Ana:5 Bianca:4 Daria:4 "
    "Larisa:3 Ramona:3"
)
ROMANIAN_SURNAMES = [((s, s, s), w) for s, w in _weighted(
    "Popescu:8 Ionescu:6 Popa:7 Stan:5 Dumitru:5 Constantin:4 Munteanu:4 Stoica:4 Gheorghe:4 Rusu:4 "
    "Matei:3 Ciobanu:4 Lungu:3 Toma:3 Moldovan:3 Sârbu:2 Niță:2 Drăgan:2 Țurcanu:2"
)]
PORTUGUESE_MALE = _weighted(
    "João:8 José:8 Gonçalo:4 Tiago:6 Rui:5 Nuno:5 Luís:5 António:5 Pedro:6 Rodrigo:4 Tomás:4 Martim:3 Diogo:4"
)
PORTUGUESE_FEMALE = _weighted(
    "Inês:6 Ana:8 Beatriz:5 Mariana:5 Conceição:3 Sofia:5 Leonor:4 Margarida:4 Joana:5 Carolina:4 Lúcia:3 "
    "Fátima:3"
)
PORTUGUESE_SURNAMES = [((s, s, s), w) for s, w in _weighted(
    "Silva:10 Santos:8 Ferreira:7 Pereira:7 Oliveira:6 Costa:6 Rodrigues:5 Martins:5 Gonçalves:4 Araújo:3 "
    "Sousa:5 Fernandes:4 Lopes:4 Marques:4 Simões:2 Conceição:2"
)]
PAKISTANI_MALE = _weighted(
    "Muhammad:14 Mohammed:10 Ali:8 Ahmed:6 Hassan:5 Usman:5 Bilal:5 Imran:6 Zain:4 Ibrahim:5 Yusuf:5 "
    "Hamza:5 Adil:4 Tariq:4 Asif:4 Shahid:3 Zubair:3 Haris:3"
)
PAKISTANI_FEMALE = _weighted(
    "Aisha:6 Fatima:7 Ayesha:5 Zainab:5 Maryam:6 Sana:5 Amina:5 Nadia:5 Samina:4 Hafsa:4 Iqra:4 Khadija:4 "
    "Noor:4 Sadia:3 Rubina:3 Shazia:3"
)
PAKISTANI_SURNAMES = [((s, s, s), w) for s, w in _weighted(
    "Khan:14 Hussain:10 Ahmed:8 Ali:8 Akhtar:6 Mahmood:6 Iqbal:6 Shah:5 Rashid:4 Aslam:4 Butt:4 Malik:5 "
    "Mirza:3 Raza:3 Qureshi:3 Javed:3 Rehman:4 Hussain-Shah:1"
)]
INDIAN_MALE = _weighted(
    "Arjun:6 Rohan:5 Aarav:5 Vikram:4 Rajesh:5 Sanjay:5 Amit:5 Harpreet:4 Gurpreet:4 Jaswinder:3 Ravi:5 "
    "Anil:4 Sunil:4 Dev:3 Manoj:3 Kiran:2"
)
INDIAN_FEMALE = _weighted(
    "Priya:6 Anjali:5 Sunita:5 Kavita:5 Neha:5 Pooja:5 Simran:4 Harleen:3 Manpreet:4 Asha:4 Divya:4 Meera:4 "
    "Rani:3 Jasvir:3"
)
INDIAN_SURNAMES = [((s, s, s), w) for s, w in _weighted(
    "Patel:14 Singh:10 Sharma:6 Gill:5 Sandhu:4 Kumar:5 Shah:4 Mistry:4 Parmar:3 D'Souza:3 Fernandes:2 "
    "Joshi:3 Bains:3 Dhillon:3 Chauhan:2"
)]

FORENAMES: dict[str, dict[str, list[tuple[str, float]]]] = {
    # community -> "M_adult", "F_adult", "M_child", "F_child"
    "british": {"M_adult": BRITISH_MALE_ADULT, "F_adult": BRITISH_FEMALE_ADULT,
                "M_child": BRITISH_MALE_CHILD, "F_child": BRITISH_FEMALE_CHILD},
    "polish": {"M_adult": POLISH_MALE, "F_adult": POLISH_FEMALE, "M_child": POLISH_MALE, "F_child": POLISH_FEMALE},
    "lithuanian": {"M_adult": LITHUANIAN_MALE, "F_adult": LITHUANIAN_FEMALE,
                   "M_child": LITHUANIAN_MALE, "F_child": LITHUANIAN_FEMALE},
    "latvian": {"M_adult": LATVIAN_MALE, "F_adult": LATVIAN_FEMALE, "M_child": LATVIAN_MALE, "F_child": LATVIAN_FEMALE},
    "romanian": {"M_adult": ROMANIAN_MALE, "F_adult": ROMANIAN_FEMALE,
                 "M_child": ROMANIAN_MALE, "F_child": ROMANIAN_FEMALE},
    "portuguese": {"M_adult": PORTUGUESE_MALE, "F_adult": PORTUGUESE_FEMALE,
                   "M_child": PORTUGUESE_MALE, "F_child": PORTUGUESE_FEMALE},
    "pakistani": {"M_adult": PAKISTANI_MALE, "F_adult": PAKISTANI_FEMALE,
                  "M_child": PAKISTANI_MALE, "F_child": PAKISTANI_FEMALE},
    "indian": {"M_adult": INDIAN_MALE, "F_adult": INDIAN_FEMALE, "M_child": INDIAN_MALE, "F_child": INDIAN_FEMALE},
}
SURNAMES: dict[str, list[tuple[tuple[str, str, str], float]]] = {
    "british": [((s, s, s), w) for s, w in BRITISH_SURNAMES],
    "polish": POLISH_SURNAMES, "lithuanian": LITHUANIAN_SURNAMES, "latvian": LATVIAN_SURNAMES,
    "romanian": ROMANIAN_SURNAMES, "portuguese": PORTUGUESE_SURNAMES, "pakistani": PAKISTANI_SURNAMES,
    "indian": INDIAN_SURNAMES,
}

# Twins given similar names, and which name a father passes to his son
SIMILAR_FORENAMES = {
    "M": [("Jack", "Jake"), ("Aiden", "Aidan"), ("Harry", "Harvey"), ("Lewis", "Luke"), ("Connor", "Callum"),
          ("Riley", "Ryan"), ("Mason", "Max"), ("Alfie", "Archie"), ("Oliver", "Oscar")],
    "F": [("Ellie", "Ella"), ("Lily", "Lilly"), ("Evie", "Ellie"), ("Megan", "Morgan"), ("Sophie", "Sophia"),
          ("Mia", "Maya"), ("Isla", "Isabella"), ("Amelia", "Amber"), ("Holly", "Hollie")],
}

def weights_to_p(items: list) -> tuple[np.ndarray, np.ndarray]:
    """(values as an object array, probabilities)."""
    values = np.empty(len(items), dtype=object)
    values[:] = [value for value, _ in items]
    weights = np.array([weight for _, weight in items], dtype=float)
    return values, weights / weights.sum()


# --- transliteration ------------------------------------------------------------------------------------

_SPECIAL = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss", "Æ": "AE",
                          "æ": "ae", "Œ": "OE", "œ": "oe", "’": "'"})


@cache
def to_ascii(text: str) -> str:
    """`Łukasz` -> `Lukasz`, `Bērziņš` -> `Berzins`, `Ștefan` -> `Stefan`."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def fit_encoding(text: str, encoding: str) -> str:
    """The text as a system that only knows `encoding` stores it: characters it lacks lose their accents."""
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        return "".join(char if _encodable(char, encoding) else to_ascii(char) for char in text)


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


# --- practitioners --------------------------------------------------------------------------------------

def practitioner_names(rng: np.random.Generator, count: int) -> list[str]:
    """Lead professionals: a mixed workforce, full names."""
    surnames, sp = weights_to_p([(s[0], w) for s, w in SURNAMES["british"]] +
                                [(s[1], w * 0.2) for s, w in POLISH_SURNAMES[:6]] +
                                [(s[0], w * 0.3) for s, w in PAKISTANI_SURNAMES[:6]])
    female, fp = weights_to_p(BRITISH_FEMALE_ADULT)
    male, mp = weights_to_p(BRITISH_MALE_ADULT)
    names = set()
    out = []
    while len(out) < count:
        is_female = rng.random() < 0.8
        first = rng.choice(female, p=fp) if is_female else rng.choice(male, p=mp)
        name = f"{first} {rng.choice(surnames, p=sp)}"
        if name not in names:
            names.add(name)
            out.append(name)
    return out
