"""End-to-end throughput of a web archive: the prefilter path against extracting every page.

usage: python bench/bench_sources.py SHARED_DIR [--pages 3000] [--naive-sample 150] [--workers 2]
                                     [--real] [--seed 7]

Builds, in a temporary folder, a .warc.gz of about N pages: every dev article
(SHARED_DIR/eval/dev/NAME.txt, with the URL and date of NAME.meta.json) and every demo article
(samples/*.txt) wrapped as a news page, mixed at random (fixed seed) among ordinary news pages
generated here from word lists and templates (sport, weather, business, recipes, technology,
culture; English and Russian; nav, header, article, sidebar, ads, footer; 2-20 KB each) and, with
``--real``, the 990 real pages of SHARED_DIR/bench/web-pages.warc.gz. Then, in the same run:

(a) the civicwatch path: the WARC split into W shards by record, one process per shard, each
    loading the extractor once and running ``iter_inputs`` (WARC -> prefilter on resiliparse text
    -> trafilatura for relevant pages) then ``civicwatch.extract`` on each article. Wall time
    (process start and model load included) and steady state (the slowest process after its load)
    are reported apart;
(b) the naive path: the same code with no prefilter (trafilatura and extraction on every page),
    on a random sample of S pages in W processes; its rate is extrapolated to the whole archive.
    The civic pages outside the sample go through it too (after the sample, untimed), so that
    both paths' events on every civic page can be compared.

Prints pages, relevant pages, the events of both paths on the pages both processed (the
(article URL, event type) pairs of the civic pages must be the same: any pair the prefilter path
lost is listed), the pages/s of each path, their ratio, and the goals: >= 20x the naive
throughput and >= 400 pages/s, with PASS or MISS. Exits 1 when the prefilter path lost a civic
page or event.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import single_thread  # noqa: F401  (sets one thread per process on import)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOAL_RATIO = 20.0  # the civicwatch path against the naive one, steady state, same number of processes
GOAL_RATE = 400.0  # pages per second, steady state, on the machine's cores
CIVIC_KINDS = ("dev", "demo")
RU_SHARE = 0.25  # of the generated pages
TOPICS = ("sport", "weather", "business", "recipes", "technology", "culture")


@dataclass
class Page:
    kind: str  # dev, demo (civic articles), generated, real
    name: str  # the dev/demo file stem, the topic and language of a generated page, or the real URL
    url: str
    html: bytes
    content_type: str = "text/html; charset=utf-8"
    warc_date: str = "2024-06-01T12:00:00Z"
    gold_events: int | None = None  # a dev article's number of gold events


# ------------------------------------------------------------------------------ word lists (made up)

_FIRST = "Maya Daniel Priya Tom Sofia Jonas Aisha Luca Hannah Omar Grace Mateo Chloe Ravi Elena Ben Nadia Felix".split()
_LAST = "Hartley Okafor Lindqvist Moreno Patel Whitaker Novak Brennan Castillo Fischer Adeyemi Calloway Rossi".split()
_MONTHS = "January February March April May June July August September October November December".split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def _num(low: int, high: int, fmt: str = "{}") -> Callable[[random.Random], str]:
    return lambda rng: fmt.format(rng.randint(low, high))


EN_SLOTS: dict[str, tuple[str, ...] | Callable[[random.Random], str]] = {
    "person": lambda rng: f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
    "weekday": tuple(_WEEKDAYS),
    "month": tuple(_MONTHS),
    "city": ("Leeds", "Bristol", "Glasgow", "Cardiff", "Norwich", "York", "Brighton", "Aberdeen", "Exeter", "Hull"),
    "region": ("the north-west", "coastal areas", "the Highlands", "the south-east", "the Midlands", "western hills"),
    "team": (
        *("Riverside Rovers", "Northgate United", "Harbour City", "Millbrook Athletic", "Eastfield Town"),
        *("Kingsbridge Wanderers", "Ashford Albion", "Westmoor", "Castleford Park", "Greenhill Rangers"),
    ),
    "venue": ("Mill Lane", "the Riverside Stadium", "Victoria Park", "the Northgate Arena", "Station Road"),
    "score": ("2-1", "3-0", "1-0", "3-2", "4-1", "2-0"),
    "draw": ("1-1", "0-0", "2-2"),
    "set_score": ("6-4 6-3", "7-5 3-6 6-2", "6-2 6-1", "7-6 6-4"),
    "ordinal": ("second", "third", "fourth", "fifth", "sixth", "ninth", "twelfth"),
    "minute": _num(3, 88),
    "small": _num(2, 9),
    "mid": _num(10, 60),
    "big": _num(120, 900),
    "thousands": _num(8, 41, "{},500"),
    "year": _num(2026, 2030),
    "temp": _num(12, 31),
    "low": _num(-3, 6),
    "wind": _num(40, 95),
    "rain": _num(12, 48),
    "pct": lambda rng: f"{rng.randint(1, 14)}.{rng.randint(0, 9)}",
    "rate": ("4.25", "3.5", "5.0", "4.75"),
    "money": lambda rng: rng.choice(("£", "$", "€")) + f"{rng.randint(12, 940)}m",
    "price": lambda rng: f"£{rng.randint(9, 899)}",
    "time_am": ("6.42am", "7.05am", "10am", "9.30am"),
    "time_pm": ("8.15pm", "6pm", "5.30pm", "9.10pm"),
    "company": (
        *("Halden Group", "Brightwater Foods", "Norcastle Energy", "Pellow Retail", "Arden & Pike"),
        *("Fenwick Logistics", "Marlow Building Society", "Oakridge Homes", "Tidewell Water"),
    ),
    "bank": ("Cressfield Capital", "Holm & Lowe", "Stanmore Securities"),
    "tech_company": ("Vexa Systems", "Lumio", "Quillbyte", "Orbitel", "Sparrow Labs", "Kitebridge"),
    "device": ("phone", "tablet", "smartwatch", "e-reader", "laptop", "pair of earbuds"),
    "dish": ("lemon drizzle cake", "chicken and leek pie", "lentil soup", "mushroom risotto", "beef stew", "flapjack"),
    "ingredient": ("spinach", "butternut squash", "chorizo", "feta", "sweet potato", "leeks", "cherry tomatoes"),
    "meat": ("bacon", "chicken", "sausages", "lamb"),
    "herb": ("parsley", "coriander", "basil", "chives", "dill"),
    "side": ("crusty bread", "buttered rice", "mashed potatoes", "steamed greens"),
    "grams": _num(2, 30, "{}0"),
    "oven": ("180", "200", "160", "220"),
    "gallery": ("Harbour Gallery", "Museum of the City", "Old Mill Arts Centre", "Northern Print Studio"),
    "theatre": ("Playhouse", "Lyric Theatre", "Corn Exchange", "Little Angel Theatre"),
    "title": ("The Salt Road", "Winter Orchards", "A House of Small Hours", "Paper Kites", "The Last Tram Home"),
    "job": ("fishermen", "clockmakers", "schoolteachers", "market gardeners", "railway workers"),
    "composer": ("Elgar", "Dvorak", "Sibelius", "Brahms", "Vaughan Williams", "Grieg"),
    "adj": ("tense", "lively", "scrappy", "one-sided", "rain-soaked"),
    "review": ("tender", "overlong", "dazzling", "uneven", "quietly brilliant", "funny"),
}

# Per topic: headlines, everyday sentences, and two rarer kinds that real news pages have too:
# "press" (a reporter, a newspaper, the opposition) and "incident" (a ban, a fine, an arrest).
EN_TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "sport": {
        "headline": (
            "{team} edge past {team2} in {adj} encounter",
            "{person} double lifts {team}",
            "{team} held to a draw by {team2}",
            "{person} into {city} Open final",
        ),
        "core": (
            "{team} beat {team2} {score} at {venue} on {weekday}, with {person} scoring twice in the second half.",
            "{team} and {team2} drew {draw} in a match that rarely rose above the ordinary.",
            "{person} opened the scoring after {minute} minutes with a low shot into the bottom corner.",
            "The visitors equalised shortly before the break when {person} headed in a corner from {person2}.",
            "{team} now sit {ordinal} in the table, {small} points behind the leaders with {mid} games left to play.",
            "Attendance at {venue} was {thousands}, the highest of the season so far.",
            "{person} reached the final of the {city} Open with a {set_score} win over {person2}.",
            "In the women's race, {person} finished {mid} seconds clear to take the {ordinal} stage win of her career.",
            "The squad travels to {city} on {weekday} and will train at the ground the evening before the game.",
            "Season tickets for next year go on sale on {weekday}, with prices frozen for the under-18s.",
            "{team} have not won away from home since {month}, and patience among supporters is wearing thin.",
            "The youth side continued their unbeaten run with a {score} win over {team2}.",
            "{person} has signed a contract extension that keeps the midfielder at the club until {year}.",
            "Rain delayed the start by {minute} minutes, and the groundstaff worked through the interval.",
            "{team} pressed high from the first whistle and rarely gave the opposition time on the ball.",
        ),
        "press": (
            "Speaking to reporters after the game, {person} said the result was no more than the side deserved.",
            "The local newspaper reported that the club is close to agreeing a fee for a new striker.",
        ),
        "incident": (
            "{person} was banned for three matches after being sent off against {team2}.",
            "The club was fined {price} by the league for the late arrival of the team bus.",
            "Police arrested two supporters outside the ground after a scuffle at the turnstiles.",
        ),
    },
    "weather": {
        "headline": (
            "Wet and windy week ahead for {region}",
            "Temperatures to climb to {temp} degrees by the weekend",
            "Frost risk for gardeners as nights turn cold",
            "{city} sees its wettest {month} day in years",
        ),
        "core": (
            "Forecasters expect bright but breezy conditions across {region} on {weekday}, with highs of {temp} "
            "degrees.",
            "Rain will spread from the west during the afternoon, heaviest over the hills, and clear by early evening.",
            "Overnight temperatures may fall to {low} degrees in rural areas, so gardeners should protect young "
            "plants.",
            "Winds of up to {wind} km/h are possible along exposed coasts, and ferry passengers should check "
            "timetables before travelling.",
            "{city} recorded {rain} millimetres of rain yesterday, almost half the usual total for {month}.",
            "The weekend looks drier, although a band of cloud could bring a few showers to {region} on Sunday.",
            "Pollen levels will be high for most of the week, unwelcome news for hay fever sufferers.",
            "The outlook for the next ten days remains unsettled, with further spells of rain likely.",
            "Drivers are urged to allow extra time where fog is slow to lift in the morning.",
            "Sunrise is at {time_am} and sunset at {time_pm}, the longest days of the year so far.",
            "Sea temperatures are around {temp} degrees, warm enough for the hardiest swimmers.",
        ),
        "press": ("The forecaster told the newspaper that the summer had been the sunniest on record in {city}.",),
        "incident": (
            "A yellow warning for wind is in force for {region} until {weekday} evening.",
            "Several roads were closed by flooding and a school in {city} sent pupils home early.",
        ),
    },
    "business": {
        "headline": (
            "{company} profits beat forecasts",
            "{company} to buy {company2} for {money}",
            "Inflation eases to {pct} per cent",
            "{company} plans {mid} new stores",
        ),
        "core": (
            "{company} reported revenue of {money} for the quarter, up {pct} per cent on the same period last year.",
            "Shares in {company} rose {pct} per cent in early trading after the results were published.",
            "The chief executive, {person}, said demand had held up better than expected despite higher costs.",
            "Analysts at {bank} had forecast a smaller increase and described the figures as encouraging.",
            "The group plans to open {mid} new stores next year and to create around {big} jobs.",
            "Inflation eased to {pct} per cent in {month}, according to figures released on {weekday}.",
            "The central bank left interest rates unchanged at {rate} per cent, as most economists had predicted.",
            "{company} agreed to buy {company2} in a deal worth {money}, subject to the approval of shareholders.",
            "Fuel prices fell for the third week in a row, with diesel now {small} pence a litre cheaper than in "
            "{month}.",
            "The company expects margins to improve in the second half as energy costs fall.",
            "Small businesses in {city} said footfall on the high street was still below pre-pandemic levels.",
        ),
        "press": (
            "The company declined to comment on a newspaper report that it was considering selling its logistics arm.",
            "{person} told reporters that the board had no plans to move the headquarters out of {city}.",
        ),
        "incident": (
            "Last year the regulator fined {company2} {money} for overcharging customers.",
            "Tax inspectors raided the offices of a supplier in {city} as part of a fraud investigation.",
        ),
    },
    "recipes": {
        "headline": (
            "How to make the perfect {dish}",
            "Five ways with {ingredient}",
            "A {dish} for the whole family",
            "Weeknight supper: {dish} with {ingredient}",
        ),
        "core": (
            "Heat the oven to {oven} degrees and line a baking tray with parchment.",
            "Whisk {small} eggs with {grams} g of sugar until pale and thick, then fold in the flour.",
            "Fry the onion gently in a little oil for {mid} minutes, until soft but not coloured.",
            "Add the {ingredient} and the {ingredient2}, season well, and simmer for another {mid} minutes.",
            "This {dish} keeps for up to three days in the fridge and freezes well.",
            "Serve with {side} and a green salad dressed with lemon juice.",
            "If you cannot find {ingredient}, {ingredient2} works just as well, though the flavour is milder.",
            "For a vegetarian version, leave out the {meat} and add a tin of chickpeas.",
            "Stir in {grams} g of butter off the heat, then taste and adjust the seasoning.",
            "Preparation takes about {mid} minutes, and cooking a little under an hour.",
            "Scatter over the chopped {herb} just before serving.",
            "My grandmother made this every {weekday}, and the kitchen smelled of it all afternoon.",
        ),
        "press": ("The recipe first appeared in the newspaper's weekend magazine in {month}.",),
        "incident": ("The supermarket recalled a batch of {ingredient} last week, so check the label.",),
    },
    "technology": {
        "headline": (
            "{tech_company} unveils new {device}",
            "Review: the {device} we have been waiting for",
            "{tech_company} update brings dark mode",
            "Start-up raises {money} for delivery robots",
        ),
        "core": (
            "{tech_company} unveiled its latest {device} on {weekday}, with a larger screen and a longer battery life.",
            "The update adds a dark mode, faster search and support for {mid} more languages.",
            "Prices start at {price}, and the device goes on sale in {month}.",
            "Reviewers praised the camera but said the software still felt unfinished in places.",
            "The company said it had fixed a bug that drained batteries on some older models.",
            "{person}, who leads the product team, said the goal was to make the app simpler for first-time users.",
            "Developers can try the new tools in a public beta from next week.",
            "Sales of electric bikes rose {pct} per cent last year, according to an industry survey.",
            "The start-up raised {money} from investors to expand its delivery robots to {city}.",
            "Security researchers advised users to install the patch as soon as possible.",
            "The chip inside is made on a smaller process and uses about a third less power.",
        ),
        "press": ("{person} told reporters at the launch that a cheaper model would follow next year.",),
        "incident": (
            "The government blocked access to the game last year after a court ruling on gambling features.",
            "Hackers attacked the company's servers in {month}, and the service was down for two days.",
        ),
    },
    "culture": {
        "headline": (
            "{title} review: {review} and {review2}",
            "{gallery} exhibition opens this week",
            "Festival line-up announced for {month}",
            "{person} on her new novel, {title}",
        ),
        "core": (
            "The exhibition at the {gallery} brings together more than {big} works, many never shown in public before.",
            "{person}'s new novel, {title}, follows three generations of a family of {job}.",
            "The festival opens on {weekday} with a screening of {title}, directed by {person}.",
            "Tickets cost {price}, with discounts for students and pensioners.",
            "Critics have been generous: one called the production the most inventive of the year.",
            "The orchestra will perform works by {composer} and {composer2} under the baton of {person}.",
            "The museum is open from {time_am} until {time_pm}, and until late on Fridays.",
            "The band's {ordinal} album, recorded in a farmhouse outside {city}, is out in {month}.",
            "A retrospective of the photographer's work will travel to {city} in the spring.",
            "The play runs until the end of {month} at the {theatre}.",
        ),
        "press": ("Journalists were shown a preview of the show on {weekday}, a day before it opens to the public.",),
        "incident": (
            "Climate activists glued themselves to a frame at the gallery last year, and security has been tightened.",
            "The film was banned in two countries when it first came out, which only added to its reputation.",
        ),
    },
}
EN_SPONSORED = (
    "Doctors surprised by this simple morning habit",
    "Homeowners in {city} are switching to this boiler",
    "The 7 cheapest places to retire by the sea",
    "Why everyone is talking about this new savings account",
    "Dentists hate this one trick for whiter teeth",
)
EN_NAV = ("News", "Sport", "Business", "Weather", "Food", "Technology", "Culture", "Opinion", "Podcasts")

RU_SLOTS: dict[str, tuple[str, ...] | Callable[[random.Random], str]] = {
    "player": ("Алексей Морозов", "Дмитрий Лебедев", "Сергей Крылов", "Павел Зимин", "Игорь Ветров"),
    "author_gen": ("Ольги Ветровой", "Павла Зимина", "Анны Громовой", "Сергея Крылова"),
    "team": ("Речник", "Металлург", "Буревестник", "Строитель", "Авангард", "Маяк", "Прогресс"),
    "city_loc": ("Казани", "Самаре", "Перми", "Твери", "Ярославле", "Новосибирске", "Калуге"),
    "weekday_acc": ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"),
    "month_loc": ("январе", "марте", "апреле", "мае", "июне", "сентябре", "октябре", "ноябре"),
    "month_gen": ("января", "марта", "апреля", "мая", "июня", "сентября", "октября", "ноября"),
    "weather": ("облачная погода с прояснениями", "небольшой дождь", "мокрый снег", "ясная и сухая погода"),
    "company": ("Северные продукты", "Волга-Энерго", "ТехноСфера", "Уральский хлеб", "Балтийская логистика"),
    "tech": ("Инфотех", "Смарт Лаб", "Сфера Софт", "Цифровой мост"),
    "device": ("смартфон", "планшет", "ноутбук", "роутер", "электросамокат"),
    "dish_acc": ("борщ", "шарлотку", "сырники", "плов", "овощное рагу", "блины"),
    "ingredient": ("морковь", "грибы", "картофель", "сладкий перец", "кабачок", "фасоль"),
    "side": ("отварным рисом", "свежим хлебом", "зелёным салатом", "картофельным пюре"),
    "gallery_loc": ("Музее современного искусства", "городской галерее", "выставочном центре", "Доме культуры"),
    "title": ("Тихая гавань", "Зимний сад", "Бумажные змеи", "Последний трамвай"),
    "score": ("2:1", "3:0", "1:0", "3:2", "4:1"),
    "minute": _num(3, 88),
    "mid": _num(10, 60),
    "big": _num(120, 400),
    "year": _num(2026, 2030),
    "temp": _num(12, 31),
    "low": _num(-12, 4),
    "wind": _num(4, 18),
    "rain": _num(12, 48),
    "pct": _num(2, 14),
    "rate": ("16", "18", "21", "7,5"),
    "rub": _num(3, 90, "{} 000"),
    "oven": ("180", "200", "160"),
    "grams": _num(5, 30, "{}0"),
    "thousands": _num(4, 30, "{} 000"),
}
RU_TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "sport": {
        "headline": ("«{team}» обыграл «{team2}»", "«{team}» продлил беспроигрышную серию", "Итоги тура"),
        "core": (
            "«{team}» обыграл «{team2}» со счётом {score} в очередном туре первенства.",
            "Единственный мяч в первом тайме забил {player} на {minute}-й минуте.",
            "Следующую игру «{team}» проведёт в {weekday_acc} на выезде.",
            "На трибунах собралось {thousands} зрителей, рекорд сезона.",
            "{player} продлил контракт с клубом до {year} года.",
            "Во втором тайме хозяева поля прибавили и несколько раз были близки ко второму голу.",
        ),
        "press": (
            "Журналистам тренер сказал, что команда провела лучший матч сезона.",
            "Как сообщает местное издание, клуб ведёт переговоры о покупке нового нападающего.",
        ),
        "incident": (
            "Защитника дисквалифицировали на три матча после удаления.",
            "Клуб оштрафовали на {rub} рублей за поведение болельщиков.",
        ),
    },
    "weather": {
        "headline": ("Синоптики обещают тёплые выходные", "Погода на неделю", "В регион идут заморозки"),
        "core": (
            "В {city_loc} в {weekday_acc} ожидается {weather}, днём до {temp} градусов тепла.",
            "Ночью температура опустится до {low} градусов, на дорогах возможна гололедица.",
            "Ветер северо-западный, {wind} метров в секунду, к вечеру ослабнет.",
            "Синоптики обещают, что к выходным погода станет теплее и суше.",
            "Атмосферное давление будет расти, существенных осадков не ожидается.",
            "За сутки в {city_loc} выпало {rain} миллиметров осадков, почти половина месячной нормы.",
        ),
        "press": ("Об этом сообщили журналистам в региональном гидрометцентре.",),
        "incident": ("Из-за снегопада в {city_loc} закрыли движение по двум мостам.",),
    },
    "business": {
        "headline": ("Выручка «{company}» выросла на {pct}%", "Инфляция замедлилась", "Ставка сохранена"),
        "core": (
            "Выручка компании «{company}» за полугодие выросла на {pct}% по сравнению с прошлым годом.",
            "Акции компании подорожали на {pct}% в начале торгов.",
            "Центральный банк сохранил ключевую ставку на уровне {rate}% годовых.",
            "Инфляция в {month_loc} замедлилась до {pct}%, сообщила статистическая служба.",
            "Компания планирует открыть {mid} новых магазинов и создать около {big} рабочих мест.",
            "Аналитики ожидают, что спрос на жильё во втором полугодии останется стабильным.",
        ),
        "press": ("Представитель компании отказался комментировать журналистам сообщения о продаже бизнеса.",),
        "incident": ("В прошлом году регулятор оштрафовал компанию за нарушение правил рекламы.",),
    },
    "recipes": {
        "headline": ("Как приготовить {dish_acc}", "Рецепт недели: {dish_acc} по-домашнему", "Быстрый ужин"),
        "core": (
            "Разогрейте духовку до {oven} градусов и застелите противень пергаментом.",
            "Обжарьте лук на небольшом количестве масла {mid} минут до мягкости.",
            "Добавьте {ingredient} и тушите ещё {mid} минут под крышкой.",
            "Подавайте с {side}.",
            "Блюдо хранится в холодильнике до трёх дней.",
            "Добавьте {grams} г сливочного масла, посолите и поперчите по вкусу.",
        ),
        "press": ("Этот рецепт впервые был опубликован в субботнем приложении к газете.",),
        "incident": ("На прошлой неделе торговая сеть отозвала партию продукции, проверьте этикетку.",),
    },
    "technology": {
        "headline": ("«{tech}» представила новый {device}", "Обзор: новый {device}", "Приложение обновилось"),
        "core": (
            "Компания «{tech}» представила новый {device} с увеличенным экраном и более ёмким аккумулятором.",
            "Обновление приложения добавляет тёмную тему и ускоряет поиск.",
            "Продажи начнутся в {month_loc}, цена — от {rub} рублей.",
            "Эксперты советуют пользователям установить исправление как можно скорее.",
            "Стартап привлёк {mid} млн рублей инвестиций на развитие сервиса доставки.",
            "Обозреватели похвалили камеру, но отметили, что программа ещё требует доработки.",
        ),
        "press": ("Журналистам на презентации пообещали, что бюджетная модель выйдет в следующем году.",),
        "incident": ("Доступ к игре был заблокирован по решению суда.",),
    },
    "culture": {
        "headline": ("В {gallery_loc} открылась выставка", "Премьера недели", "Новый роман {author_gen}"),
        "core": (
            "В {gallery_loc} открылась выставка, на которой представлено более {big} работ.",
            "Новый роман {author_gen} рассказывает о трёх поколениях одной семьи.",
            "Фестиваль откроется в {weekday_acc} показом фильма «{title}».",
            "Билеты стоят от {rub} рублей, для студентов действуют скидки.",
            "Спектакль будет идти на сцене театра до конца {month_gen}.",
            "Оркестр исполнит произведения Чайковского и Рахманинова.",
        ),
        "press": ("Журналистам показали экспозицию накануне открытия.",),
        "incident": ("Показ фильма отменили после жалоб зрителей.",),
    },
}
RU_SPONSORED = ("Врачи назвали простую привычку для здоровья", "Как сэкономить на коммунальных платежах")
RU_NAV = ("Новости", "Спорт", "Экономика", "Погода", "Еда", "Технологии", "Культура", "Мнения")
_LANGUAGE = {
    "en": (EN_SLOTS, EN_TOPICS, EN_SPONSORED, EN_NAV, "Advertisement", "Most read", "Sponsored"),
    "ru": (RU_SLOTS, RU_TOPICS, RU_SPONSORED, RU_NAV, "Реклама", "Самое читаемое", "Партнёрские материалы"),
}
_SITES = {
    "en": ("dailyherald", "valleytimes", "morningledger", "citypost", "the-courier"),
    "ru": ("gorod-novosti", "vesti-regiona", "volga-info"),
}
_SLOT = re.compile(r"\{(\w+?)(\d*)\}")


def fill(template: str, rng: random.Random, slots: dict) -> str:
    """The template with each {slot} (or {slot2}: another pick of the same list) filled at random."""
    used: set[str] = set()

    def pick(match: re.Match) -> str:
        source = slots[match.group(1)]
        for _ in range(4):  # {team} and {team2} should differ
            value = source(rng) if callable(source) else rng.choice(source)
            if value not in used:
                break
        used.add(value)
        return value

    return _SLOT.sub(pick, template)


# --------------------------------------------------------------------------------------- page markup


def page_html(
    rng: random.Random,
    language: str,
    site: str,
    section: str,
    url: str,
    headline: str,
    body: list[str],
    published: date | None,
    lean: bool = False,
) -> str:
    """A news page around ``body`` (HTML blocks): head, cookie banner, header and nav, ads, sidebar, footer."""
    slots, topics, sponsored, nav, ad_label, most_read, sponsored_label = _LANGUAGE[language]
    esc = html.escape
    site_name = site.replace("-", " ").title()
    when = published.isoformat() if published else None
    author = fill("{person}" if language == "en" else "{player}", rng, slots)
    inline_ad = f'<div class="ad ad-inline" data-slot="mid"><span class="ad-label">{ad_label}</span><ins></ins></div>'
    blocks = list(body)
    if len(blocks) > 3:
        blocks.insert(3, inline_ad)
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline, "author": author}
    if when:
        ld["datePublished"] = when
    head = [
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">',
        f"<title>{esc(headline)} | {esc(site_name)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta property="og:title" content="{esc(headline)}">\n<meta property="og:type" content="article">',
        f'<link rel="canonical" href="{esc(url)}">',
        f'<link rel="stylesheet" href="/static/css/main.{rng.getrandbits(32):08x}.css">',
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>',
        f'<script async src="https://ads.{site}.example/tag.js"></script>',
    ]
    if when:
        head.append(f'<meta property="article:published_time" content="{when}T{rng.randint(6, 21):02d}:00:00Z">')
    head.append("</head>")
    links = "".join(f'<li><a href="/{esc(n.lower())}/">{esc(n)}</a></li>' for n in nav)
    top = [
        f'<body class="article-page section-{section}">',
        '<div id="cookie-banner" class="cookie">We use cookies to improve your experience. '
        "<button>Accept all</button> <button>Settings</button></div>",
        f'<header class="site-header"><a class="logo" href="/">{esc(site_name)}</a>',
        f'<nav class="main-nav"><ul>{links}</ul></nav>',
        '<form class="search" action="/search"><input name="q"><button>Search</button></form></header>',
        f'<div class="ad ad-leaderboard" data-slot="top"><span class="ad-label">{ad_label}</span>'
        '<ins class="adunit" data-size="728x90"></ins></div>',
        f'<main>\n<nav class="breadcrumbs"><a href="/">Home</a> › <a href="/{section}/">{section.title()}</a></nav>',
    ]
    byline = f'<p class="byline">By <a href="/authors/{rng.randint(100, 999)}">{esc(author)}</a>'
    if when:
        byline += f' · <time datetime="{when}">{published:%d %B %Y}</time>'
    article = [
        f"<article>\n<header><h1>{esc(headline)}</h1>{byline}</p></header>",
        f'<figure><img src="/images/{rng.getrandbits(40):010x}.jpg" alt=""><figcaption>{esc(site_name)}'
        "</figcaption></figure>",
        '<div class="article-body">',
        *blocks,
        "</div>",
        '<div class="share">Share: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>',
        "</article>",
    ]
    aside: list[str] = []
    if not lean:
        topic = topics[rng.choice(TOPICS)]
        reads = "".join(
            f'<li><a href="/{section}/{rng.randint(10000, 99999)}">'
            f"{esc(fill(rng.choice(topic['headline']), rng, slots))}</a></li>"
            for _ in range(rng.randint(4, 8))
        )
        promos = "".join(
            f'<li><a href="https://promo.example/{rng.randint(1, 999)}">{esc(fill(s, rng, EN_SLOTS))}</a></li>'
            for s in rng.sample(sponsored, min(len(sponsored), 3))
        )
        aside = [
            f'<aside class="sidebar"><h3>{most_read}</h3><ol>{reads}</ol>',
            f'<div class="ad ad-mpu" data-slot="side"><span class="ad-label">{ad_label}</span><ins></ins></div>',
            f'<div class="sponsored"><h3>{sponsored_label}</h3><ul>{promos}</ul></div></aside>',
        ]
    foot = [
        "</main>",
        '<footer class="site-footer"><nav><a href="/about">About us</a> <a href="/contact">Contact</a> '
        '<a href="/privacy">Privacy</a> <a href="/terms">Terms</a> <a href="/advertise">Advertise</a></nav>',
        f"<p>© {date.today().year} {esc(site_name)}. All rights reserved.</p></footer>",
        "<script>window.dataLayer=window.dataLayer||[];"
        f"dataLayer.push({{event:'pageview',section:'{section}'}});</script>",
        "</body>\n</html>\n",
    ]
    return "\n".join(head + top + article + aside + foot)


def generated_page(rng: random.Random, index: int) -> Page:
    """An ordinary news page of 2-20 KB on one of TOPICS, in English or Russian, from the templates above."""
    language = "ru" if rng.random() < RU_SHARE else "en"
    slots, topics = _LANGUAGE[language][:2]
    topic_name = rng.choice(TOPICS)
    topic = topics[topic_name]
    target = int(2000 * 10 ** rng.uniform(0, 1))  # log-uniform, 2-20 KB
    site = rng.choice(_SITES[language])
    published = date(2022, 1, 1) + timedelta(days=rng.randint(0, 1200))
    headline = fill(rng.choice(topic["headline"]), rng, slots)
    slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-") or "article"
    url = f"https://www.{site}.example/{topic_name}/{published:%Y/%m}/{slug}-{index}.html"
    extras = []
    if rng.random() < 0.25:
        extras.append(rng.choice(topic["press"]))
    if rng.random() < 0.12:
        extras.append(rng.choice(topic["incident"]))
    lean = target < 5000
    body: list[str] = []
    skeleton = len(page_html(rng, language, site, topic_name, url, headline, [], published, lean).encode())
    size = skeleton
    while size < target or len(body) < 2:
        sentences = [fill(rng.choice(topic["core"]), rng, slots) for _ in range(rng.randint(2, 4))]
        if extras and rng.random() < 0.4:
            sentences.insert(rng.randint(0, len(sentences)), fill(extras.pop(), rng, slots))
        block = "<p>" + html.escape(" ".join(sentences)) + "</p>"
        if topic_name == "recipes" and language == "en" and rng.random() < 0.2:
            items = (fill("{grams} g {ingredient}", rng, slots) for _ in range(rng.randint(3, 7)))
            block = "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
        body.append(block)
        size += len(block.encode()) + 1
    text = page_html(rng, language, site, topic_name, url, headline, body, published, lean)
    return Page("generated", f"{topic_name}/{language}", url, text.encode())


# ----------------------------------------------------------------------------------- civic and real


def _sidecar(txt: Path, field: str) -> str | None:
    stem = txt.name[: -len(".txt")]
    for suffix in ("meta", "gold"):
        sidecar = txt.with_name(f"{stem}.{suffix}.json")
        if sidecar.exists():
            value = json.loads(sidecar.read_text(encoding="utf-8")).get(field)
            if value:
                return value
    return None


def civic_page(rng: random.Random, txt: Path, kind: str) -> Page:
    """A civic-space article (a dev or demo .txt) as a news page, each line a paragraph.

    A short first line with no final full stop is the headline (<h1>); a first line that reads as a
    paragraph (a lede) stays a paragraph and the page gets a generic headline.
    """
    text = txt.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    url = _sidecar(txt, "url") or f"https://{kind}.bench.example/{txt.stem}"
    published = _sidecar(txt, "published")
    day = date.fromisoformat(published[:10]) if published else None
    cyrillic = len(re.findall(r"[\u0400-\u04ff]", text))
    language = "ru" if cyrillic > len(text) / 4 else "en"
    site = rng.choice(_SITES[language])
    headline = lines[0] if len(lines[0]) <= 150 and not lines[0].endswith(".") else None
    body = [f"<p>{html.escape(line)}</p>" for line in (lines[1:] if headline else lines)]
    headline = headline or ("Новости" if language == "ru" else "News")
    page = page_html(rng, language, site, "news", url, headline, body, day)
    gold = txt.with_name(f"{txt.stem}.gold.json")
    events = len(json.loads(gold.read_text(encoding="utf-8")).get("events", [])) if gold.exists() else None
    return Page(kind, txt.stem, url, page.encode(), gold_events=events)


def civic_pages(rng: random.Random, shared: Path) -> list[Page]:
    dev = sorted((shared / "eval" / "dev").glob("*.txt"))
    if not dev:
        raise SystemExit(f"no dev articles in {shared / 'eval' / 'dev'}")
    demo = sorted(SAMPLES.glob("*.txt"))
    return [civic_page(rng, p, "dev") for p in dev] + [civic_page(rng, p, "demo") for p in demo]


def real_pages(warc: Path) -> list[Page]:
    from civicwatch.sources.warc import WarcPage, iter_warc_pages

    pages = []
    for item in iter_warc_pages(warc):
        if isinstance(item, WarcPage):
            content_type = item.content_type + (f"; charset={item.charset}" if item.charset else "")
            pages.append(Page("real", item.url, item.url, item.html, content_type, item.warc_date or ""))
    return pages


# ---------------------------------------------------------------------------------------- WARC files


def warc_member(page: Page, rng: random.Random) -> bytes:
    """One WARC response record as its own gzip member, as crawlers write them."""
    body = page.html
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {page.content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    payload = http.encode("latin-1") + body
    record_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    header = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"WARC-Date: {page.warc_date or '2024-06-01T12:00:00Z'}\r\nWARC-Target-URI: {page.url}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return gzip.compress(header.encode("utf-8") + payload + b"\r\n\r\n", compresslevel=6, mtime=0)


def write_warc(path: Path, members: list[bytes]) -> list[int]:
    """Write the members one after another; their offsets in the file."""
    offsets, position = [], 0
    with path.open("wb") as handle:
        for member in members:
            offsets.append(position)
            handle.write(member)
            position += len(member)
    return offsets


def split_warc(source: Path, offsets: list[int], order: list[list[int]], folder: Path, prefix: str) -> list[dict]:
    """Shards of ``source``: shard k holds the records ``order[k]`` (indexes), copied byte for byte.

    Returns per shard its path and {offset in the shard: record index}.
    """
    data = source.read_bytes()
    ends = offsets[1:] + [len(data)]
    shards = []
    for k, indexes in enumerate(order):
        path = folder / f"{prefix}-{k}.warc.gz"
        members = [data[offsets[i] : ends[i]] for i in indexes]
        shard_offsets = write_warc(path, members)
        shards.append({"path": str(path), "index_at": dict(zip(shard_offsets, indexes, strict=True))})
    return shards


def round_robin(indexes: list[int], workers: int) -> list[list[int]]:
    return [indexes[k::workers] for k in range(workers)]


# ------------------------------------------------------------------------------------------ workers


def work(shard: str, prefilter: bool) -> dict:
    """One process: load the extractor once, then read the shard through ``iter_inputs`` and extract.

    Returns the load and loop times and, per page, (offset, relevant, error, seconds, events).
    """
    import logging

    started = time.perf_counter()
    from civicwatch import extract
    from civicwatch.clean.prefilter import Prefilter
    from civicwatch.extract.extractor import get_extractor
    from civicwatch.extract.language import detect_language
    from civicwatch.sources.inputs import InputOptions, iter_inputs

    logging.disable(logging.WARNING)  # trafilatura logs each page it gives up on
    for language in ("en", "ru"):
        get_extractor(language)
    detect_language("warm up the language detector")
    options = InputOptions(prefilter=Prefilter.for_languages() if prefilter else None)
    load = time.perf_counter() - started

    pages, failures = [], []
    loop_start = last = time.perf_counter()
    for loaded in iter_inputs([shard], options):
        events = []
        article = loaded.article
        if article is not None:
            try:
                found = extract(article.text, published=article.published, url=article.url, language=article.language)
                events = [(e.type, e.subtype, e.status, e.targets, e.evidence[:160]) for e in found]
            except Exception as exc:  # one bad page must not stop the benchmark
                failures.append(f"{loaded.origin}: {type(exc).__name__}: {exc}")
        now = time.perf_counter()
        offset = int(loaded.origin.rpartition("@")[2]) if "@" in loaded.origin else -1
        pages.append((offset, loaded.relevant and not loaded.error, loaded.error, now - last, events))
        last = now
    return {"load_s": load, "loop_s": last - loop_start, "pages": pages, "failures": failures}


def run_path(shards: list[dict], prefilter: bool) -> dict:
    """Every shard in a process of its own (fresh interpreters: each pays its own imports and model load)."""
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(shards), mp_context=context) as pool:
        futures = [pool.submit(work, shard["path"], prefilter) for shard in shards]
        results = [future.result() for future in futures]
    wall = time.perf_counter() - started
    per_page: dict[int, dict] = {}
    for shard, result in zip(shards, results, strict=True):
        for offset, relevant, error, seconds, events in result["pages"]:
            index = shard["index_at"].get(offset, -1)
            per_page[index] = {"relevant": relevant, "error": error, "seconds": seconds, "events": events}
    return {
        "wall_s": wall,
        "load_s": [r["load_s"] for r in results],
        "loop_s": [r["loop_s"] for r in results],
        "pages": per_page,
        "failures": [f for r in results for f in r["failures"]],
    }


# ------------------------------------------------------------------------------------------- report


def pairs(run: dict, pages: list[Page], indexes: list[int]) -> set[tuple[str, str]]:
    return {(pages[i].url, e[0]) for i in indexes for e in run["pages"].get(i, {}).get("events", [])}


def count_events(run: dict, indexes: list[int]) -> int:
    return sum(len(run["pages"].get(i, {}).get("events", [])) for i in indexes)


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", type=Path, help="the shared folder (../shared): eval/dev and bench/")
    parser.add_argument("--pages", type=int, default=3000, help="pages in the archive (default 3000)")
    parser.add_argument("--naive-sample", type=int, default=150, help="pages the naive path runs on (default 150)")
    parser.add_argument("--workers", type=int, default=2, help="processes for each path (default 2)")
    parser.add_argument("--real", action="store_true", help="include the 990 real pages of bench/web-pages.warc.gz")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the pages and the sample (default 7)")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.naive_sample < 1:
        parser.error("--workers and --naive-sample must be at least 1")
    rng = random.Random(args.seed)

    # ---- the archive
    started = time.perf_counter()
    civic = civic_pages(rng, args.shared)
    real = real_pages(args.shared / "bench" / "web-pages.warc.gz") if args.real else []
    generated = [generated_page(rng, i) for i in range(max(0, args.pages - len(civic) - len(real)))]
    pages = civic + real + generated
    rng.shuffle(pages)
    members = [warc_member(page, rng) for page in pages]
    build_s = time.perf_counter() - started
    workers = args.workers
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    by_kind = {
        kind: [i for i, p in enumerate(pages) if p.kind == kind] for kind in ("dev", "demo", "generated", "real")
    }
    civic_ix = by_kind["dev"] + by_kind["demo"]
    generated_ru = sum(p.name.endswith("/ru") for p in generated)

    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        folder = Path(tmp)
        archive = folder / "mixed.warc.gz"
        offsets = write_warc(archive, members)
        print("== archive")
        print(
            f"pages        {len(pages)}: {len(civic_ix)} civic ({len(by_kind['dev'])} dev,"
            f" {len(by_kind['demo'])} demo), {len(generated)} generated ({len(generated) - generated_ru} en,"
            f" {generated_ru} ru), {len(real)} real"
        )
        html_mb = sum(len(p.html) for p in pages) / 1e6
        print(
            f"size         {html_mb:.1f} MB of HTML, {archive.stat().st_size / 1e6:.1f} MB .warc.gz;"
            f" built in {build_s:.1f} s (seed {args.seed})"
        )
        print(f"cpu          {cpu_name()}, {cores} cores; {workers} processes per path")
        sys.stdout.flush()

        # ---- (a) civicwatch
        started = time.perf_counter()
        shards = split_warc(archive, offsets, round_robin(list(range(len(pages))), workers), folder, "shard")
        split_s = time.perf_counter() - started
        fast = run_path(shards, prefilter=True)

        # ---- (b) naive, on a sample; the civic pages outside it come last, untimed
        sample = sorted(rng.sample(range(len(pages)), min(args.naive_sample, len(pages))))
        sampled = set(sample)
        extra = [i for i in civic_ix if i not in sampled]
        order = [a + b for a, b in zip(round_robin(sample, workers), round_robin(extra, workers), strict=True)]
        naive_shards = split_warc(archive, offsets, order, folder, "naive")
        naive = run_path(naive_shards, prefilter=False)

    # ---- figures
    n = len(pages)
    relevant = [i for i, r in fast["pages"].items() if r["relevant"]]
    steady_s = max(fast["loop_s"])
    fast_rate = n / steady_s
    wall_rate = n / (split_s + fast["wall_s"])
    # naive: per process, the time its sampled pages took (reading, trafilatura, extraction)
    sample_set = set(sample)
    naive_busy = [sum(naive["pages"][i]["seconds"] for i in shard if i in sample_set) for shard in order]
    naive_rate = len(sample) / max(naive_busy)
    ratio = fast_rate / naive_rate

    print(f"\n== (a) civicwatch path: WARC -> prefilter -> trafilatura if relevant -> extract, {workers} processes")
    print(f"split        {split_s:.2f} s ({workers} shards by record, round robin)")
    print(f"model load   {', '.join(f'{s:.1f}' for s in fast['load_s'])} s per process (imports, en+ru, prefilter)")
    kinds = ", ".join(
        f"{kind} {sum(fast['pages'].get(i, {}).get('relevant', False) for i in ix)}/{len(ix)}"
        for kind, ix in by_kind.items()
        if ix
    )
    print(f"relevant     {len(relevant)}/{n} pages passed the prefilter ({kinds})")
    errors = sum(1 for r in fast["pages"].values() if r["error"])
    print(
        f"events       {count_events(fast, list(range(n)))} on all pages, {count_events(fast, civic_ix)} on civic;"
        f" {errors} relevant pages without article text, {len(fast['failures'])} extraction failures"
    )
    dropped_ms = [1000 * r["seconds"] for r in fast["pages"].values() if not r["relevant"]]
    relevant_ms = [1000 * r["seconds"] for r in fast["pages"].values() if r["relevant"]]
    dropped_mean, relevant_mean = sum(dropped_ms) / max(len(dropped_ms), 1), sum(relevant_ms) / max(len(relevant_ms), 1)
    print(
        f"per page     {dropped_mean:.2f} ms on a dropped page (read, cheap text, prefilter),"
        f" {relevant_mean:.0f} ms on a relevant one (and trafilatura, extract);"
        f" {sum(relevant_ms) / (sum(relevant_ms) + sum(dropped_ms)):.0%} of the time on relevant pages"
    )
    wall_s = split_s + fast["wall_s"]
    print(f"wall         {wall_s:.1f} s with split, process start and model load: {wall_rate:.0f} pages/s")
    print(f"steady       {steady_s:.1f} s (slowest process, after load): {fast_rate:.0f} pages/s")

    print(f"\n== (b) naive path: WARC -> trafilatura -> extract on every page, no prefilter, {workers} processes")
    print(f"model load   {', '.join(f'{s:.1f}' for s in naive['load_s'])} s per process")
    print(
        f"sample       {len(sample)} random pages of {n} (seed {args.seed}), then the {len(extra)} civic pages"
        " outside the sample (untimed, for the comparison)"
    )
    for kind, ix in by_kind.items():
        times = [naive["pages"][i]["seconds"] for i in ix if i in sample_set]
        if times:
            print(f"  {kind:<10}  {len(times):>4} pages, {1000 * sum(times) / len(times):.0f} ms/page")
    print(
        f"steady       {max(naive_busy):.1f} s (slowest process, sampled pages only): {naive_rate:.1f} pages/s;"
        f" EXTRAPOLATED: all {n} pages would take about {n / naive_rate:.0f} s (not run)"
    )
    print(f"events       {count_events(naive, sample)} on the sampled pages, {len(naive['failures'])} failures")

    both = sorted(sample_set | set(civic_ix))
    ordinary = [i for i in both if i not in set(civic_ix)]
    print(f"\n== events on the {len(both)} pages both paths processed ({len(civic_ix)} civic, {len(ordinary)} other)")
    print(f"events       naive {count_events(naive, both)}, civicwatch {count_events(fast, both)}")
    naive_civic, fast_civic = pairs(naive, pages, civic_ix), pairs(fast, pages, civic_ix)
    lost_civic = sorted(naive_civic - fast_civic)
    print(
        f"civic pages  (article URL, event type) pairs: naive {len(naive_civic)}, civicwatch {len(fast_civic)},"
        f" lost by the prefilter path {len(lost_civic)}, gained {len(fast_civic - naive_civic)}"
    )
    for url, kind in lost_civic:
        print(f"  LOST {kind} on {url}")
    lost_pages = 0
    for i in civic_ix:
        if not fast["pages"].get(i, {}).get("relevant"):
            found = len(naive["pages"][i]["events"])
            lost_pages += bool(found or pages[i].gold_events)
            gold = "no gold file" if pages[i].gold_events is None else f"{pages[i].gold_events} gold events"
            print(f"  dropped by the prefilter: {pages[i].kind} {pages[i].name} ({gold}, naive found {found})")
    naive_other, fast_other = pairs(naive, pages, ordinary), pairs(fast, pages, ordinary)
    skipped = Counter()
    example = {}
    for i in ordinary:
        if not fast["pages"][i]["relevant"]:
            for e in naive["pages"][i]["events"]:
                key = (f"{e[0]}/{e[1]}", pages[i].name if pages[i].kind == "generated" else "real")
                skipped[key] += 1
                example.setdefault(key, e[4])
    print(
        f"other pages  pairs: naive {len(naive_other)}, civicwatch {len(fast_other)}; the naive path's"
        f" {sum(skipped.values())} events on the pages the prefilter dropped (false alarms of the extractor):"
    )
    for (kind, where), count in skipped.most_common(12):
        print(f"  {count:>4} {kind} on {where}, e.g. {example[(kind, where)][:90]!r}")

    recall_ok = not lost_civic and not lost_pages
    goals = [
        (f">= {GOAL_RATIO:.0f}x the naive throughput", ratio >= GOAL_RATIO, f"{ratio:.1f}x"),
        (f">= {GOAL_RATE:.0f} pages/s on {cores} cores", fast_rate >= GOAL_RATE, f"{fast_rate:.0f} pages/s"),
        (
            "every civic event kept",
            recall_ok,
            f"{lost_pages} civic pages with events dropped, {len(lost_civic)} pairs lost",
        ),
    ]
    print("\n== goals (steady state, both paths with the same processes; the naive rate is extrapolated)")
    print(f"throughput   civicwatch {fast_rate:.0f} pages/s, naive {naive_rate:.1f} pages/s: {ratio:.1f}x")
    for label, ok, value in goals:
        print(f"goal         {label}: {'PASS' if ok else 'MISS'} ({value})")
    return 0 if recall_ok else 1


if __name__ == "__main__":
    sys.exit(main())
