"""Country names as the registries print them, mapped to ISO 3166-1 alpha-2 where the mapping is plain.

Only names seen in the real files (and their obvious variants) are listed; anything else keeps its
text and gets no code. Historical states (USSR, YUGOSLAVIA, CZECHOSLOVAKIA, ZAIRE) and non-states
(INTERNATIONAL, TIBET, BIAFRA, SOMALILAND...) deliberately get no code: mapping them would be a
judgement, not a lookup. UK constituent countries map to GB, Kosovo to the common user code XK.
"""

from __future__ import annotations

import re

# One code per line, then the names that map to it, ';'-separated.
_RU_TABLE = """
US США; Соединенные Штаты Америки; Соединённые Штаты Америки
DE ФРГ; Германия; Федеративная Республика Германия
GB Великобритания; Соединенное Королевство Великобритании и Северной Ирландии; Соединенное Королевство
UA Украина
CA Канада
CZ Чешская Республика; Чехия
LT Литовская Республика; Литва
LV Латвийская Республика; Латвия
EE Эстонская Республика; Эстония
PL Республика Польша; Польша
FR Французская Республика; Франция
CH Швейцарская Конфедерация; Швейцария
NL Королевство Нидерландов; Королевство Нидерланды; Нидерланды
BE Королевство Бельгия; Бельгия
JP Япония
FI Финляндская Республика; Финляндия
TR Турецкая Республика; Турция
NO Королевство Норвегия; Норвегия
GE Грузия; Грузинская Республика
AT Австрия; Австрийская Республика
RO Румыния
SE Швеция; Королевство Швеция
BG Болгария; Республика Болгария
AM Республика Армения; Армения
ES Испания; Королевство Испания
LI Княжество Лихтенштейн
PT Португальская Республика; Португалия
RS Республика Сербия; Сербия
DK Королевство Дания; Дания
IT Итальянская Республика; Италия
MN Монголия
CY Республика Кипр; Кипр
HU Венгрия
MD Республика Молдова; Молдова
LU Великое Герцогство Люксембург; Люксембург
IE Ирландия
IL Израиль; Государство Израиль
AU Австралия
KZ Республика Казахстан; Казахстан
SK Словацкая Республика; Словакия
HR Республика Хорватия
"""

# FARA "Country/Location Represented" values as published (upper case).
_FARA_TABLE = """
AF AFGHANISTAN
AL ALBANIA
DZ ALGERIA
AO ANGOLA
AI ANGUILLA
AG ANTIGUA & BARBUDA
AR ARGENTINA
AM ARMENIA
AW ARUBA
AU AUSTRALIA
AT AUSTRIA
AZ AZERBAIJAN
BS BAHAMAS
BH BAHRAIN
BD BANGLADESH
BB BARBADOS
BY BELARUS
BE BELGIUM
BZ BELIZE
BJ BENIN
BM BERMUDA
BO BOLIVIA
BA BOSNIA & HERZEGOVINA
BW BOTSWANA
BR BRAZIL
VG BRITISH VIRGIN ISLANDS
BN BRUNEI
BG BULGARIA
BF BURKINA FASO
BI BURUNDI
CV CABO VERDE
KH CAMBODIA
CM CAMEROON
CA CANADA
KY CAYMAN ISLANDS
CF CENTRAL AFRICAN REPUBLIC
TD CHAD
CL CHILE
CN CHINA
CO COLOMBIA
CD CONGO, DEMOCRATIC REPUBLIC OF THE; CONGO DEMOCRATIC REPUBLIC OF THE
CG CONGO, REPUBLIC OF THE; CONGO REPUBLIC OF THE
CR COSTA RICA
CI COTE D'IVOIRE (IVORY COAST)
HR CROATIA
CW CURACAO
CY CYPRUS
CZ CZECHIA; CZECH REPUBLIC
DK DENMARK
DJ DJIBOUTI
DM DOMINICA
DO DOMINICAN REPUBLIC
EC ECUADOR
EG EGYPT
SV EL SALVADOR
GB ENGLAND; GREAT BRITAIN; NORTHERN IRELAND; SCOTLAND; UNITED KINGDOM
GQ EQUATORIAL GUINEA
ER ERITREA
EE ESTONIA
ET ETHIOPIA
FJ FIJI
FI FINLAND
FR FRANCE
PF FRENCH POLYNESIA; TAHITI
GA GABON
GM GAMBIA, THE
GE GEORGIA
DE GERMANY
GH GHANA
GI GIBRALTAR
GR GREECE
GD GRENADA
GT GUATEMALA
GG GUERNSEY
GN GUINEA
GW GUINEA-BISSAU
GY GUYANA
HT HAITI
HN HONDURAS
HK HONG KONG
HU HUNGARY
IS ICELAND
IN INDIA
ID INDONESIA
IR IRAN
IQ IRAQ
IE IRELAND
IM ISLE OF MAN
IL ISRAEL
IT ITALY
JM JAMAICA
JP JAPAN
JO JORDAN
KZ KAZAKHSTAN
KE KENYA
KR KOREA, SOUTH; KOREA SOUTH
KP KOREA, NORTH
XK KOSOVA; KOSOVO
KW KUWAIT
KG KYRGYZSTAN
LA LAOS
LV LATVIA
LB LEBANON
LS LESOTHO
LR LIBERIA
LY LIBYA
LI LIECHTENSTEIN
LT LITHUANIA
LU LUXEMBOURG
MO MACAU
MK MACEDONIA; NORTH MACEDONIA
MG MADAGASCAR
MW MALAWI
MY MALAYSIA
MV MALDIVES
ML MALI
MT MALTA
MH MARSHALL ISLANDS
MR MAURITANIA
MU MAURITIUS
MX MEXICO
FM MICRONESIA
MD MOLDOVA
MC MONACO
MN MONGOLIA
ME MONTENEGRO
MA MOROCCO
MZ MOZAMBIQUE
MM MYANMAR (BURMA)
NA NAMIBIA
NR NAURU
NP NEPAL
NL NETHERLANDS
NZ NEW ZEALAND
NI NICARAGUA
NE NIGER
NG NIGERIA
NO NORWAY
OM OMAN
PK PAKISTAN
PW PALAU
PS PALESTINE
PA PANAMA
PG PAPUA NEW GUINEA
PY PARAGUAY
PE PERU
PH PHILIPPINES
PL POLAND
PT PORTUGAL
QA QATAR
SS REPUBLIC OF SOUTH SUDAN; SOUTH SUDAN
RO ROMANIA
RU RUSSIA
RW RWANDA
LC SAINT LUCIA
VC SAINT VINCENT AND THE GRENADINES
WS SAMOA; WESTERN SAMOA
SA SAUDI ARABIA
SN SENEGAL
RS SERBIA
SC SEYCHELLES
SL SIERRA LEONE
SG SINGAPORE
SK SLOVAKIA
SI SLOVENIA
SO SOMALI DEMOCRATIC REPUBLIC; SOMALIA
ZA SOUTH AFRICA
ES SPAIN
LK SRI LANKA
BL ST. BARTHELEMY
KN ST. KITTS AND NEVIS
MF ST. MARTIN
SD SUDAN
SR SURINAME
SZ SWAZILAND; ESWATINI
SE SWEDEN
CH SWITZERLAND
SY SYRIA
TW TAIWAN
TJ TAJIKISTAN
TZ TANZANIA
TH THAILAND
TL TIMOR-LESTE; TIMOR-LESTE (EAST TIMOR)
TG TOGO
TO TONGA
TT TRINIDAD AND TOBAGO
TN TUNISIA
TR TURKEY
TM TURKMENISTAN
TC TURKS AND CAICOS ISLANDS
UG UGANDA
UA UKRAINE
AE UNITED ARAB EMIRATES
UY URUGUAY
UZ UZBEKISTAN
VU VANUATU
VA VATICAN CITY
VE VENEZUELA
VN VIETNAM
YE YEMEN
ZM ZAMBIA
ZW ZIMBABWE
"""


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip(" .").casefold().replace("ё", "е")


def _load(table: str) -> dict[str, str]:
    codes = {}
    for line in table.strip().splitlines():
        code, names = line.split(" ", 1)
        for name in names.split(";"):
            codes[_key(name)] = code
    return codes


_RU = _load(_RU_TABLE)
_FARA = _load(_FARA_TABLE)


def ru_country_code(name: str | None) -> str | None:
    """ISO code of a Russian country name ('США', 'Латвийская Республика'), None if it is not one."""
    return _RU.get(_key(name)) if name else None


def fara_country_code(name: str | None) -> str | None:
    """ISO code of a FARA 'Country/Location Represented' value, None where there is no plain mapping."""
    return _FARA.get(_key(name)) if name else None
