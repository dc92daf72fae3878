"""The generator's own name variants: how the town's people are written down in other systems.

Hand-written for the sample town from everyday English usage (hypocorisms a receptionist or a housing
officer writes down) and the spellings the town's communities use in English-language systems
(transliterations). Deliberately NOT taken from, or filtered by, the matcher's `nicknames` package: the
matcher must be tested on variants it was not built around, so some of these it knows and some it does not.
"""

from __future__ import annotations

from functools import cache


def _table(text: str) -> dict[str, tuple[str, ...]]:
    """`Name=Variant,Variant; ...` -> {"name": ("Variant", ...)}."""
    table: dict[str, tuple[str, ...]] = {}
    for item in text.split(";"):
        name, _, variants = item.strip().partition("=")
        key = name.strip().lower()
        if key:
            more = tuple(v.strip() for v in variants.split(",") if v.strip())
            table[key] = table.get(key, ()) + tuple(v for v in more if v not in table.get(key, ()))
    return table


# English hypocorisms: pet forms and short forms, including the ones that share no initial with the name.
HYPOCORISMS = _table(
    "William=Will,Billy,Liam; Thomas=Tom,Tommy; James=Jim,Jamie,Jimmy; Robert=Rob,Bob,Robbie; "
    "Richard=Rich,Ricky,Dick; Michael=Mike,Mick,Mikey; Christopher=Chris,Kit; Matthew=Matt,Matty; "
    "Daniel=Dan,Danny; Andrew=Andy,Drew; Anthony=Tony,Ant; Joseph=Joe,Joey; Jonathan=Jon,Jonny; "
    "Nicholas=Nick,Nicky; Alexander=Alex,Xander,Sandy; Benjamin=Ben,Benji; Samuel=Sam,Sammy; "
    "Stephen=Steve,Stevie; Edward=Ed,Eddie,Ted; Peter=Pete; David=Dave,Davey; Philip=Phil,Pip; "
    "Timothy=Tim,Timmy; Kenneth=Ken,Kenny; Terence=Terry,Tel; Raymond=Ray; Gerald=Gerry,Gez; "
    "Frederick=Fred,Freddie; Harold=Harry,Hal; Patrick=Pat,Paddy; Jacob=Jake,Jay; Joshua=Josh; "
    "Oliver=Ollie,Olly; Charlie=Charles; Alfie=Alf,Alfred; Archie=Archibald; Freddie=Fred; "
    "Harry=Henry,Haz; Samuel=Sam; Isaac=Zac; Lucas=Luke; Nathan=Nate; Benjamin=Benny; Lewis=Lew; "
    "Katherine=Kate,Kathy,Katie,Kath; Catherine=Cath,Cathy,Kate,Cate; Elizabeth=Liz,Beth,Lizzie,Libby,Betsy; "
    "Margaret=Maggie,Meg,Peggy,Madge; Rebecca=Becky,Bex,Becca; Samantha=Sam,Sammie; Victoria=Vicky,Tori,Vic; "
    "Stephanie=Steph,Stevie; Jessica=Jess,Jessie; Abigail=Abbie,Abby,Gail; Charlotte=Charlie,Lottie,Lotte; "
    "Susan=Sue,Suzy; Patricia=Pat,Trish,Tricia; Deborah=Debbie,Debs; Christine=Chris,Chrissy,Tina; "
    "Jacqueline=Jackie,Jacqui; Kimberley=Kim,Kimmy; Natalie=Nat,Tally; Amanda=Mandy,Manda; "
    "Isabella=Bella,Izzy,Issy; Amelia=Millie,Mia,Amy; Jennifer=Jen,Jenny; Joanne=Jo,Jojo; Nicola=Nicky,Nic; "
    "Danielle=Dani,Elle; Dorothy=Dot,Dolly; Florence=Flo,Florrie; Harriet=Hattie,Hat; Sophia=Sophie; "
    "Eleanor=Ellie,Nell; Olivia=Liv,Livvy,Ollie; Emily=Em,Emmy; Lucy=Lu; Gemma=Gem; Hannah=Han; "
    "Rachel=Rach; Laura=Laurie; Helen=Nell; Louise=Lou; Hayley=Hails; Victoria=Vikki; Megan=Meg; "
    "Rosemary=Rosie,Ro; Jade=Jadey; Stephen=Steven; Daisy=Margaret; Evie=Eve,Evelyn; Grace=Gracie"
)

# The town's other communities in English-language systems: an English equivalent or a common spelling.
TRANSLITERATIONS = _table(
    "Piotr=Peter,Piotrek; Paweł=Pawel,Paul; Krzysztof=Chris,Krzys,Kristof; Tomasz=Tomek,Thomas,Tom; "
    "Michał=Michal,Michael,Mike; Marcin=Martin; Jakub=Kuba,Jacob,Jakob; Mateusz=Matthew,Mati; "
    "Wojciech=Wojtek,Voytek; Grzegorz=Greg,Grzesiek; Łukasz=Luke,Lukas; Bartłomiej=Bartek,Bart; "
    "Andrzej=Andrew,Andy; Jan=John,Janek; Szymon=Simon; Dawid=David; "
    "Małgorzata=Gosia,Margaret,Malgosia; Katarzyna=Kasia,Kate,Katherine; Agnieszka=Aga,Agnes; "
    "Magdalena=Magda; Aleksandra=Ola,Alex; Joanna=Asia,Joanne; Zuzanna=Zuza,Susanna; Zofia=Zosia,Sophie; "
    "Wiktoria=Victoria,Wika; Ewa=Eva; Justyna=Justina; Dorota=Dorothy; Karolina=Caroline; Łucja=Lucy,Lucja; "
    "Jonas=Jonah; Tomas=Thomas,Tom; Andrius=Andrew; Paulius=Paul; Vytautas=Vytas; Mindaugas=Mindy; "
    "Rūta=Ruta,Ruth; Ieva=Eva; Eglė=Egle; Kristina=Christina,Kris; Jānis=Janis,John; Mārtiņš=Martins,Martin; "
    "Kristīne=Kristine,Christine; Līga=Liga; Ștefan=Stefan,Stephen; Andrei=Andrew,Andy; Alexandru=Alex,Alexander; "
    "Mihai=Michael,Mike; Ionuț=Ionut,John; Ion=John; Răzvan=Razvan; Cristian=Christian,Cris; Elena=Helen,Ellie; "
    "Ioana=Joanna,Ioanna; Andreea=Andrea; Mihaela=Michaela; João=Joao,John; José=Jose,Joseph,Ze; "
    "Gonçalo=Goncalo; Luís=Luis,Louis; António=Antonio,Tony; Pedro=Peter; Tomás=Tomas,Thomas; "
    "Inês=Ines,Agnes; Conceição=Conceicao,Sao; Margarida=Margaret,Guida; Lúcia=Lucia,Lucy; Fátima=Fatima; "
    "Muhammad=Mohammed,Mohammad,Mohamed,Mohd,Md; Mohammed=Muhammad,Mohammad,Mohamed,Mohd; Ahmed=Ahmad,Ahmet; "
    "Hassan=Hasan; Usman=Osman,Uthman; Yusuf=Yousuf,Yusef,Joseph; Ibrahim=Ebrahim,Abraham; Hamza=Hamzah; "
    "Zain=Zayn,Zane; Aisha=Ayesha,Aysha; Ayesha=Aisha,Aysha; Fatima=Fatimah,Fatma; Maryam=Mariam,Miriam; "
    "Zainab=Zaynab,Zenab; Khadija=Khadijah,Khadeeja; Noor=Nur; Amina=Aminah; Hafsa=Hafsah; "
    "Harpreet=Harpriet; Gurpreet=Gurprit; Jaswinder=Jas,Jaswinda; Rajesh=Raj; Sanjay=Sanj; Vikram=Vik; "
    "Priya=Pria; Kavita=Kavitha; Pooja=Puja; Manpreet=Manprit; Simran=Simi; Jasvir=Jas; Arjun=Arjan"
)


@cache
def variants_for(forename: str) -> tuple[str, ...]:
    """Other ways the forename is written in the town's systems (title case); () when the lists have none."""
    key = forename.strip().lower()
    both = HYPOCORISMS.get(key, ()) + TRANSLITERATIONS.get(key, ())
    return tuple(dict.fromkeys(name for name in both if name.lower() != key))
