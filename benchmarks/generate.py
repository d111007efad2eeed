"""Seeded generator of labelled synthetic customer profiles.

Every row is one profile of a made-up person; rows that share ``cluster_id``
belong to the same person.  Duplicates drift the way collected customer data
drifts (typos, nicknames, initials, swapped names, dropped accents, casing,
phone formats, missing fields, another email of the same person), and the data
carries hard negatives: households sharing a surname, an address, a home phone
and sometimes a family email; colleagues sharing a company switchboard;
namesakes; twins; juniors and seniors.

The generator streams: memory stays flat whatever the number of rows, and the
same seed gives the same rows byte for byte.

Usage::

    python benchmarks/generate.py --rows 100000 --seed 7 --output people.csv

or from Python::

    from generate import generate
    for row in generate(10_000, seed=7):
        ...
"""

from __future__ import annotations

import argparse
import bisect
import csv
import functools
import itertools
import random
import sys
import unicodedata
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import phonenumbers
from nicknames import NickNamer

COLUMNS = (
    "profile_id",
    "cluster_id",
    "first_name",
    "middle_name",
    "last_name",
    "email_address",
    "personal_email_address",
    "business_email_address",
    "phone_number",
    "home_phone_number",
    "mobile_phone_number",
    "business_phone_number",
    "address1",
    "city",
    "postal_code",
    "country",
    "birth_date",
)

# Rows leave through a shuffle window of this many rows, so that the profiles
# of one person are near each other but not adjacent (as in an export sorted
# by load time); a bounded window keeps memory flat.
SHUFFLE_WINDOW = 2048

# Profiles per person, from the dev set: most people appear once, a long tail
# appears up to seven times.
CLUSTER_SIZES = (1, 2, 3, 4, 5, 6, 7)
CLUSTER_SIZE_WEIGHTS = (55.0, 25.5, 12.0, 2.0, 1.9, 1.8, 1.8)


class _Table:
    """A weighted table of values with a Zipf-like skew by position.

    Values listed first are the most common; ``skew`` sets how steeply the
    frequency falls with rank (1.0 is Zipf's law), and the offset keeps the
    head from taking too large a share (Smith is about one American in a
    hundred, not one in ten).
    """

    __slots__ = ("_cum", "_total", "items")

    def __init__(
        self,
        items: Sequence[Any],
        weights: Sequence[float] | None = None,
        *,
        skew: float = 1.0,
    ) -> None:
        if weights is None:
            weights = [1.0 / (rank + 8.0) ** skew for rank in range(len(items))]
        self.items = tuple(items)
        self._cum = list(itertools.accumulate(weights))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self._cum, rng.random() * self._total)]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


# Name tables per culture: male first names, female first names, surnames,
# each listed from common to rare.  Multi-word names use "_" for the space.
_NAMES: dict[str, tuple[str, str, str]] = {
    "anglo": (
        "Michael James John Robert David William Christopher Daniel Matthew "
        "Joseph Thomas Andrew Richard Joshua Anthony Mark Steven Kevin Brian "
        "Jason Ryan Timothy Jeffrey Eric Benjamin Nicholas Jonathan Samuel "
        "Patrick Gregory Alexander Zachary Raymond Dennis Tyler Aaron Henry "
        "Douglas Peter Harold Walter Kyle Noah Ethan Oliver Liam Gavin Rhys "
        "Declan Ambrose Barnaby Cuthbert Percival Thaddeus Ezekiel Lachlan",
        "Jennifer Jessica Sarah Elizabeth Mary Patricia Linda Susan Karen "
        "Lisa Nancy Amanda Ashley Michelle Stephanie Emily Rebecca Laura "
        "Katherine Rachel Nicole Samantha Christine Deborah Heather Megan "
        "Catherine Margaret Kimberly Victoria Abigail Olivia Emma Charlotte "
        "Hannah Madison Natalie Chloe Grace Sophie Zoe Felicity Imogen "
        "Philippa Harriet Winifred Tabitha Gwendolyn Rosalind Ottilie",
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson "
        "Taylor Thomas Moore Jackson Martin Thompson White Harris Clark Lewis "
        "Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker "
        "Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans "
        "Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper "
        "Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood "
        "Watson Brooks Bennett Gray Hughes Price Sanders Myers Long Ross "
        "Foster Powell Jenkins Perry Russell Sullivan Fisher Hamilton Graham "
        "Wallace Woods Cole West Jordan Owens Reynolds Ellis Harrison Gibson "
        "McDonald O'Brien O'Connor MacLeod Fitzgerald Abernathy Pemberton "
        "Featherstonehaugh Worthington Blackwood Ashcroft Thistlethwaite",
    ),
    "hispanic": (
        "José Juan Luis Carlos Jorge Miguel Antonio Francisco Alejandro "
        "Javier Manuel Pedro Diego Fernando Ricardo Roberto Eduardo Sergio "
        "Raúl Andrés Pablo Rafael Héctor Óscar Ramón Joaquín Emilio Gonzalo "
        "Santiago Mateo Ignacio Rodrigo Álvaro Íñigo Eloy Leandro Fermín",
        "María Ana Carmen Laura Lucía Sofía Isabel Marta Elena Paula Rosa "
        "Patricia Gabriela Daniela Valentina Alejandra Mónica Verónica Andrea "
        "Beatriz Cristina Pilar Silvia Inés Lorena Adriana Guadalupe Ximena "
        "Itziar Begoña Nerea Consuelo Remedios Araceli Maite",
        "García Rodríguez Martínez Hernández López González Pérez Sánchez "
        "Ramírez Torres Flores Rivera Gómez Díaz Reyes Morales Cruz Ortiz "
        "Gutiérrez Chávez Ramos Vargas Castillo Jiménez Moreno Romero Herrera "
        "Medina Aguilar Vega Castro Mendoza Ruiz Álvarez Fernández Muñoz "
        "Navarro Domínguez Vázquez Ibáñez Barroso Zubizarreta Echeverría "
        "Goikoetxea Villaseñor Cienfuegos Peñalosa",
    ),
    "french": (
        "Jean Pierre Michel Philippe Alain Nicolas Julien Thomas Laurent "
        "François Sébastien Stéphane Christophe Éric Olivier Frédéric "
        "Guillaume Antoine Mathieu Vincent Maxime Hugo Lucas Théo Louis "
        "Baptiste Jérôme Benoît Gaël Loïc Hervé Thibault Aurélien Jean-Luc "
        "Jean-Marc Clovis Anatole",
        "Marie Nathalie Isabelle Sylvie Catherine Sophie Valérie Christine "
        "Céline Sandrine Julie Aurélie Émilie Camille Léa Manon Chloé Inès "
        "Hélène Clémence Élodie Margaux Océane Anaïs Mathilde Brigitte "
        "Geneviève Noémie Maëlle Solène Marie-Claire Anne-Sophie Ségolène "
        "Bérénice",
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy "
        "Moreau Simon Laurent Lefebvre Michel Garcia David Bertrand Roux "
        "Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert "
        "Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin "
        "Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier "
        "Dumont Rolland Samson Lesage Chevalier Delacroix Beauchêne "
        "Després Lévêque Pâquet",
    ),
    "german": (
        "Thomas Michael Andreas Stefan Peter Frank Markus Christian Klaus "
        "Wolfgang Jürgen Uwe Matthias Alexander Martin Sebastian Tobias Jan "
        "Florian Lukas Felix Jonas Maximilian Leon Paul Dieter Günter Horst "
        "Manfred Jörg Björn Kai Sören Ulrich Gottfried Wilhelm Friedrich",
        "Sabine Petra Claudia Andrea Susanne Monika Birgit Stefanie Nicole "
        "Julia Katharina Anna Laura Lena Lea Hannah Sophie Marie Ursula "
        "Renate Gisela Ingrid Brigitte Heike Anja Silke Jutta Dörte Bärbel "
        "Käthe Annegret Hildegard Wiebke Frauke",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz "
        "Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann "
        "Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt "
        "Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler "
        "Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz "
        "Möller Weiß Jung Hahn Vogel Friedrich Günther Keller Groß "
        "Oberhäuser Wüstenhagen Tschirner Brandstätter",
    ),
    "nordic": (
        "Lars Anders Johan Erik Per Karl Nils Mikael Jan Hans Peter Fredrik "
        "Magnus Olof Björn Gustav Oscar William Elias Hugo Axel Linus Sven "
        "Åke Göran Torbjörn Ragnar Leif Stig Ulf Sixten Gösta",
        "Anna Eva Maria Karin Kristina Lena Sara Emma Elin Ida Malin Sofia "
        "Ingrid Birgitta Margareta Elisabeth Astrid Linnea Maja Alva Ebba "
        "Saga Åsa Märta Solveig Sigrid Ylva Ingegerd Gunnel",
        "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson "
        "Persson Svensson Gustafsson Pettersson Jonsson Jansson Hansson "
        "Bengtsson Jönsson Lindberg Jakobsson Magnusson Lindström Lindqvist "
        "Lindgren Berglund Axelsson Bergström Lundberg Lundgren Sandberg "
        "Sjöberg Holmström Åberg Öberg Ekström Söderström Wallenberg "
        "Hägglund Ångström",
    ),
    "dutch": (
        "Jan Johannes Pieter Hendrik Cornelis Willem Dirk Gerrit Jacobus "
        "Thomas Daan Sem Lucas Bram Ruben Thijs Jeroen Bas Joost Maarten "
        "Sander Wouter Floris Stijn Teun Kees Sjoerd Gijsbert",
        "Maria Anna Johanna Cornelia Elisabeth Emma Julia Sophie Lotte Sanne "
        "Femke Anouk Lieke Fleur Eva Ingrid Marieke Annelies Wilhelmina "
        "Geertruida Sietske Hendrika Jantje Marijke",
        "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser "
        "Smit Meijer de_Boer Mulder de_Groot Bos Vos Peters Hendriks "
        "van_Leeuwen Dekker Brouwer de_Wit Dijkstra Smits de_Graaf van_der_Meer "
        "van_der_Linden Kok Jacobs de_Haan Vermeulen van_Beek Hoekstra "
        "Schoenmakers Verhoeven Oosterhuis",
    ),
    "polish": (
        "Piotr Krzysztof Andrzej Tomasz Paweł Jan Michał Marcin Jakub "
        "Adam Łukasz Marek Grzegorz Mateusz Wojciech Mariusz Dariusz Zbigniew "
        "Kamil Bartłomiej Szymon Przemysław Jarosław Radosław Bogdan",
        "Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna "
        "Magdalena Elżbieta Joanna Aleksandra Monika Zofia Natalia Karolina "
        "Dorota Beata Jadwiga Halina Grażyna Urszula Bożena Wiesława",
        "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski "
        "Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur "
        "Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski "
        "Michalski Zając Król Wieczorek Jabłoński Wróbel Majewski "
        "Brzęczyszczykiewicz Szczepański Przybylski",
    ),
    "portuguese": (
        "João José Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos "
        "Luís Gabriel Rafael Daniel Marcelo Bruno Eduardo Felipe Rodrigo "
        "Gustavo Guilherme Matheus Thiago Leonardo Vinícius Caio Otávio "
        "Joaquim Sebastião Conceição",
        "Maria Ana Francisca Antônia Adriana Juliana Márcia Fernanda Patrícia "
        "Aline Sandra Camila Amanda Bruna Jéssica Letícia Júlia Luciana "
        "Vanessa Mariana Gabriela Larissa Beatriz Thaís Raíssa Débora "
        "Conceição Graça Luíza",
        "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima "
        "Gomes Costa Ribeiro Martins Carvalho Almeida Lopes Soares Fernandes "
        "Vieira Barbosa Rocha Dias Nascimento Andrade Moreira Nunes Marques "
        "Machado Mendes Freitas Cardoso Ramos Gonçalves Santana Teixeira "
        "Araújo Magalhães Guimarães Conceição Brandão Falcão",
    ),
    "indian": (
        "Rahul Amit Rajesh Suresh Ramesh Vijay Sanjay Anil Sunil Arun Ravi "
        "Deepak Manoj Ashok Arjun Rohan Vikram Aditya Karthik Nikhil Pranav "
        "Siddharth Harish Venkatesh Srinivas Gurpreet Harpreet Mohammed "
        "Imran Abhishek Aniruddha Chandrashekhar Balasubramanian",
        "Priya Anjali Pooja Neha Sunita Anita Kavita Deepa Lakshmi Divya "
        "Sneha Shreya Ananya Aishwarya Meera Nisha Rekha Swati Pallavi "
        "Aarti Radha Jaspreet Fatima Ayesha Savitri Kamala Padmavathi "
        "Rajalakshmi Thenmozhi",
        "Sharma Singh Kumar Patel Gupta Shah Reddy Rao Iyer Nair Mehta "
        "Joshi Verma Agarwal Chopra Malhotra Kapoor Bhatia Das Banerjee "
        "Chatterjee Mukherjee Ghosh Menon Pillai Desai Jain Khan Ahmed Pandey "
        "Mishra Srinivasan Krishnamurthy Venkataraman Subramaniam "
        "Raghunathan Chakraborty Bhattacharya Thiruvengadam",
    ),
    "arabic": (
        "Mohammad Ahmad Ali Omar Khaled Mahmoud Yousef Ibrahim Hassan "
        "Hussein Abdullah Mustafa Samer Tariq Zaid Faisal Rami Bilal Hamza "
        "Sami Nasser Walid Ziad Anas Laith Qusai Yazan Muath Abdelrahman",
        "Fatima Aisha Maryam Noor Sara Layla Rania Hala Dana Lina Rana "
        "Hiba Yasmin Salma Reem Abeer Amal Nadia Huda Samira Ghada Dalia "
        "Suha Rawan Tasneem Bayan Shatha Lujain",
        "Al-Ahmad Haddad Khoury Nasser Saleh Hamdan Mansour Khalil Qasem "
        "Odeh Shami Abu-Zaid Al-Masri Hijazi Jaber Suleiman Awad Darwish "
        "Barakat Obeidat Tarawneh Majali Zoubi Rawashdeh Khasawneh Bataineh "
        "Al-Hmoud Abu-Ghazaleh Al-Shawabkeh Abdelhaq",
    ),
    "turkish": (
        "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Burak "
        "Can Cem Deniz Kemal Serkan Onur Yusuf Oğuz Barış Çağlar",
        "Ayşe Fatma Emine Hatice Zeynep Elif Merve Özlem Esra Büşra Derya "
        "Gül Selin Ebru Sibel Nazlı Gökçe Şule Damla Çiğdem",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir "
        "Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Erdoğan "
        "Güneş Karakaya Büyükkaya",
    ),
    "chinese": (
        "Wei Jun Hao Lei Jie Tao Ming Yong Jian Qiang Bo Chen Hui Peng "
        "Xiang Zhiwei Jianguo Haoran Zixuan Yuxuan Kwok-Wing Chi-Keung",
        "Fang Jing Li Ying Yan Xiu Mei Na Min Hong Lan Yun Xin Qian "
        "Xiaoling Yuqing Meiling Shufen Ka-Yan Wing-Sze",
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu "
        "Guo He Lin Luo Gao Zheng Liang Xie Tang Song Chan Wong Leung Cheung "
        "Lau Ouyang Szeto",
    ),
    "vietnamese": (
        "Minh Anh Hùng Dũng Tuấn Hải Long Nam Quang Thành Đức Khang Phúc "
        "Bảo Huy Trung Việt Cường",
        "Linh Lan Hương Mai Ngọc Thảo Trang Hà Phương Thu Hạnh Yến Nhung "
        "Hồng Vy Uyên Quỳnh",
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương "
        "Lý Trương Đinh",
    ),
    "korean": (
        "Min-jun Seo-jun Ji-hoon Hyun-woo Jae-won Sung-min Dong-hyun Joon-ho "
        "Tae-yang Young-soo",
        "Ji-woo Seo-yeon Min-ji Ha-eun Soo-ah Ji-min Eun-ji Hye-jin Yoo-na Soo-jin",
        "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon "
        "Hwang Ahn Song",
    ),
    "nigerian": (
        "Oluwaseun Chinedu Emeka Tunde Babatunde Ifeanyi Obinna Adebayo "
        "Segun Kelechi Chukwuemeka Olumide Femi Ibrahim Musa Abubakar "
        "Nnamdi Uchenna Oluwafemi Olusegun",
        "Ngozi Chioma Funmilayo Adaeze Folake Yetunde Amaka Blessing "
        "Abimbola Nkechi Titilayo Aisha Zainab Ifeoma Oluwakemi Temitope "
        "Chiamaka Omolara",
        "Okafor Adeyemi Okonkwo Ogunleye Balogun Nwosu Eze Bello Ibrahim "
        "Adeleke Olawale Obi Okeke Adebayo Oyelaran Nwachukwu Chukwu Danjuma "
        "Akinwande Oyewole Ogundipe Olanrewaju Onyekachi",
    ),
}

# Diminutives outside the English table of the nicknames package.
_EXTRA_NICKNAMES: dict[str, tuple[str, ...]] = {
    "josé": ("Pepe",),
    "francisco": ("Paco", "Pancho"),
    "alejandro": ("Alex",),
    "guadalupe": ("Lupe",),
    "jesús": ("Chucho",),
    "ignacio": ("Nacho",),
    "manuel": ("Manolo",),
    "dolores": ("Lola",),
    "jean-luc": ("JL",),
    "johannes": ("Hans", "Jo"),
    "wolfgang": ("Wolf",),
    "friedrich": ("Fritz",),
    "katharina": ("Kathi", "Käthe"),
    "margareta": ("Greta",),
    "aleksandra": ("Ola",),
    "małgorzata": ("Gosia",),
    "krzysztof": ("Krzysiek",),
    "mohammad": ("Mo", "Hamoudi"),
    "mohammed": ("Mo",),
    "abdullah": ("Abdo",),
    "oluwaseun": ("Seun",),
    "chukwuemeka": ("Emeka",),
    "babatunde": ("Tunde",),
    "oluwafemi": ("Femi",),
    "venkatesh": ("Venky",),
    "srinivas": ("Srini",),
    "balasubramanian": ("Bala",),
    "chandrashekhar": ("Chandu",),
}

_CITIES: dict[str, str] = {
    "US": "New York|Los Angeles|Chicago|Houston|Phoenix|Philadelphia|San Antonio|"
    "San Diego|Dallas|San Jose|Austin|Jacksonville|Columbus|Charlotte|Seattle|"
    "Denver|Boston|Nashville|Portland|Las Vegas|Detroit|Memphis|Louisville|"
    "Baltimore|Milwaukee|Albuquerque|Tucson|Fresno|Sacramento|Atlanta|Omaha|"
    "Raleigh|Miami|Minneapolis|Tulsa|Cleveland|Wichita|New Orleans|Honolulu|"
    "Boise|Des Moines|Spokane|Anchorage|Burlington|Cheyenne|Walla Walla",
    "CA": "Toronto|Montréal|Vancouver|Calgary|Edmonton|Ottawa|Winnipeg|"
    "Québec|Hamilton|Halifax|Victoria|Saskatoon|Regina|St. John's|"
    "Trois-Rivières|Sherbrooke|Moncton|Whitehorse",
    "GB": "London|Birmingham|Manchester|Leeds|Glasgow|Liverpool|Bristol|"
    "Sheffield|Edinburgh|Cardiff|Leicester|Nottingham|Newcastle upon Tyne|"
    "Belfast|Brighton|Southampton|Aberdeen|York|Bath|Stoke-on-Trent|"
    "Milton Keynes|Llanfairpwllgwyngyll",
    "FR": "Paris|Marseille|Lyon|Toulouse|Nice|Nantes|Strasbourg|Montpellier|"
    "Bordeaux|Lille|Rennes|Reims|Le Havre|Saint-Étienne|Toulon|Grenoble|"
    "Dijon|Angers|Nîmes|Aix-en-Provence|Besançon|Orléans|Châlons-en-Champagne",
    "DE": "Berlin|Hamburg|München|Köln|Frankfurt am Main|Stuttgart|Düsseldorf|"
    "Leipzig|Dortmund|Essen|Bremen|Dresden|Hannover|Nürnberg|Duisburg|"
    "Bochum|Wuppertal|Bielefeld|Bonn|Münster|Göttingen|Lüneburg|Wolfsburg",
    "ES": "Madrid|Barcelona|Valencia|Sevilla|Zaragoza|Málaga|Murcia|Palma|"
    "Las Palmas de Gran Canaria|Bilbao|Alicante|Córdoba|Valladolid|Vigo|"
    "Gijón|A Coruña|Granada|Jaén|San Sebastián|Logroño",
    "SE": "Stockholm|Göteborg|Malmö|Uppsala|Västerås|Örebro|Linköping|"
    "Helsingborg|Jönköping|Norrköping|Lund|Umeå|Gävle|Borås|Södertälje|Luleå",
    "NL": "Amsterdam|Rotterdam|Den Haag|Utrecht|Eindhoven|Groningen|Tilburg|"
    "Almere|Breda|Nijmegen|Apeldoorn|Haarlem|Arnhem|Enschede|'s-Hertogenbosch",
    "PL": "Warszawa|Kraków|Łódź|Wrocław|Poznań|Gdańsk|Szczecin|Bydgoszcz|"
    "Lublin|Białystok|Katowice|Gdynia|Częstochowa|Rzeszów|Toruń",
    "AU": "Sydney|Melbourne|Brisbane|Perth|Adelaide|Gold Coast|Canberra|"
    "Newcastle|Wollongong|Hobart|Geelong|Townsville|Cairns|Darwin|Toowoomba",
    "IN": "Mumbai|Delhi|Bengaluru|Hyderabad|Ahmedabad|Chennai|Kolkata|Pune|"
    "Jaipur|Surat|Lucknow|Kanpur|Nagpur|Indore|Thane|Bhopal|Visakhapatnam|"
    "Coimbatore|Kochi|Thiruvananthapuram|Chandigarh|Mysuru",
    "MX": "Ciudad de México|Guadalajara|Monterrey|Puebla|Tijuana|León|Juárez|"
    "Zapopan|Mérida|Querétaro|San Luis Potosí|Aguascalientes|Hermosillo|"
    "Mexicali|Culiacán|Cancún|Oaxaca de Juárez|Morelia",
    "BR": "São Paulo|Rio de Janeiro|Brasília|Salvador|Fortaleza|Belo Horizonte|"
    "Manaus|Curitiba|Recife|Goiânia|Belém|Porto Alegre|Guarulhos|Campinas|"
    "São Luís|Maceió|Florianópolis|Niterói",
    "JO": "Amman|Zarqa|Irbid|Russeifa|Aqaba|Madaba|Salt|Mafraq|Jerash|Karak|"
    "Ajloun|Ma'an|Tafilah",
    "NG": "Lagos|Kano|Ibadan|Abuja|Port Harcourt|Benin City|Kaduna|Aba|"
    "Onitsha|Ilorin|Enugu|Abeokuta|Jos|Warri|Calabar|Owerri",
}

# Street tables: base names, then the street types with their abbreviations.
_STREET_BASES: dict[str, str] = {
    "anglo": "Main|Oak|Maple|Cedar|Pine|Elm|Washington|Lake|Hill|Park|Church|"
    "Mill|River|Sunset|Highland|Jackson|Franklin|Madison|Jefferson|Ridge|"
    "Valley|Forest|Meadow|Spring|Willow|Walnut|Chestnut|Hickory|Cherry|"
    "Lincoln|Center|Adams|Station|Victoria|King|Queen|Albert|George|Mulberry|"
    "Birchwood|Foxglove|Kingfisher|Wetherby|Ravenscourt|Tiffany|Harrow",
    "french": "de la République|Victor Hugo|Jean Jaurès|Pasteur|de la Paix|"
    "du Général de Gaulle|des Lilas|Nationale|de l'Église|Gambetta|Voltaire|"
    "des Écoles|du Moulin|de la Gare|Émile Zola|Saint-Michel|des Tilleuls|"
    "du Château|Jules Ferry|de Verdun",
    "german": "Haupt|Schul|Garten|Bahnhof|Dorf|Berg|Linden|Kirch|Wald|Ring|"
    "Goethe|Schiller|Mozart|Birken|Eichen|Buchen|Wiesen|Feld|Mühlen|Rosen|"
    "Friedhof|Sonnen|Amsel|Tannen|Blumen",
    "hispanic": "Mayor|Real|de la Iglesia|del Sol|Nueva|de Cervantes|"
    "de Alcalá|San Juan|Santa María|del Carmen|de la Constitución|Hidalgo|"
    "Juárez|Morelos|Insurgentes|Reforma|Independencia|Revolución|Zaragoza|"
    "5 de Mayo|Benito Juárez|de Agustina Pino",
    "portuguese": "das Flores|São João|Sete de Setembro|XV de Novembro|"
    "Dom Pedro II|Tiradentes|Santos Dumont|Getúlio Vargas|Rui Barbosa|"
    "da Consolação|Paulista|Augusta|Barão de Mauá|das Palmeiras",
    "nordic": "Stor|Kungs|Drottning|Skol|Kyrko|Järnvägs|Strand|Björk|Ek|Sjö|"
    "Park|Mölle|Ängs|Tall|Rosen|Hamn",
    "dutch": "Kerk|Dorps|School|Molen|Hoofd|Stations|Beatrix|Juliana|"
    "Wilhelmina|Oranje|Prinsen|Heren|Keizers|Linden|Eiken",
    "polish": "Długa|Krótka|Polna|Leśna|Słoneczna|Mickiewicza|Kościuszki|"
    "Piłsudskiego|Lipowa|Ogrodowa|Szkolna|Kwiatowa|Sienkiewicza|Kolejowa",
    "indian": "MG|Gandhi|Nehru|Station|Temple|Church|Market|Lake|Park|Tilak|"
    "Subhash|Rajaji|Netaji|Ambedkar|Sardar Patel|Anna Salai",
    "arabic": "Al-Rainbow|Al-Madina Al-Munawwara|Wasfi Al-Tal|Mecca|Zahran|"
    "Al-Jamaa|King Abdullah II|Queen Rania|Al-Hussein|Prince Hashem|"
    "Al-Quds|Khalid Bin Al-Walid",
    "nigerian": "Awolowo|Adeola Odeku|Allen|Herbert Macaulay|Broad|Marina|"
    "Ahmadu Bello|Isaac John|Ozumba Mbadiwe|Adetokunbo Ademola|Bode Thomas",
}

# Street type, its abbreviation (the drift between them is a real variation).
_STREET_TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "anglo": (
        ("Street", "St"),
        ("Avenue", "Ave"),
        ("Road", "Rd"),
        ("Drive", "Dr"),
        ("Lane", "Ln"),
        ("Court", "Ct"),
        ("Place", "Pl"),
        ("Boulevard", "Blvd"),
        ("Way", "Way"),
        ("Terrace", "Ter"),
        ("Close", "Cl"),
        ("Crescent", "Cres"),
    ),
    "french": (
        ("rue", "r."),
        ("avenue", "av."),
        ("boulevard", "bd"),
        ("place", "pl."),
        ("allée", "all."),
        ("chemin", "ch."),
        ("impasse", "imp."),
    ),
    "german": (
        ("straße", "str."),
        ("weg", "weg"),
        ("allee", "allee"),
        ("gasse", "gasse"),
        ("platz", "pl."),
        ("ring", "ring"),
    ),
    "hispanic": (
        ("Calle", "C."),
        ("Avenida", "Av."),
        ("Paseo", "Pº"),
        ("Plaza", "Pza."),
        ("Camino", "Cno."),
    ),
    "portuguese": (
        ("Rua", "R."),
        ("Avenida", "Av."),
        ("Travessa", "Tv."),
        ("Alameda", "Al."),
    ),
    "nordic": (("gatan", "g."), ("vägen", "v."), ("gränd", "gr."), ("torget", "t.")),
    "dutch": (("straat", "str."), ("weg", "wg."), ("laan", "ln."), ("plein", "pl.")),
    "polish": (("ul.", "ul."), ("al.", "al."), ("pl.", "pl.")),
    "indian": (
        ("Road", "Rd"),
        ("Nagar", "Ngr"),
        ("Marg", "Marg"),
        ("Street", "St"),
        ("Colony", "Col"),
        ("Layout", "Lyt"),
    ),
    "arabic": (("Street", "St"), ("Road", "Rd")),
    "nigerian": (("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Close", "Cl")),
}

_STREET_BASE_TABLES = {key: _phrases(text) for key, text in _STREET_BASES.items()}

_UNIT_WORDS = (("Apartment", "Apt"), ("Suite", "Ste"), ("Unit", "Unit"))

_COMPANY_WORDS = _words(
    "Northwind Contoso Fabrikam Pinnacle Summit Horizon Meridian Atlas Vertex "
    "Beacon Harbor Keystone Evergreen Silverline Bluewater Redwood Ironclad "
    "Brightpath Clearview Crestline Lighthouse Nordic Alpine Coastal Pioneer "
    "Granite Sterling Riverbend Oakridge Falcon Orion Polaris Zenith Aurora"
)
_COMPANY_KINDS = _words(
    "Logistics Consulting Systems Foods Partners Group Labs Health Media "
    "Energy Builders Capital Analytics Retail Motors Textiles Pharma Travel "
    "Insurance Legal"
)

_GENERIC_PROVIDERS = _Table(
    _words("gmail.com yahoo.com hotmail.com outlook.com icloud.com aol.com"),
    (40.0, 14.0, 12.0, 10.0, 6.0, 3.0),
)


class _Country:
    """Everything the generator knows about one country."""

    __slots__ = (
        "cities",
        "code",
        "cultures",
        "date_style",
        "nanp",
        "postal",
        "providers",
        "street_style",
        "tld",
    )

    def __init__(
        self,
        code: str,
        *,
        cultures: dict[str, float],
        street_style: str,
        postal: str,
        providers: str,
        tld: str,
        date_style: str,
    ) -> None:
        self.code = code
        self.cultures = _Table(list(cultures), list(cultures.values()))
        self.street_style = street_style
        self.postal = postal
        self.providers = _Table(_words(providers), skew=0.8)
        self.tld = tld
        self.date_style = date_style
        self.cities = _Table(_phrases(_CITIES[code]), skew=0.9)
        self.nanp = code in ("US", "CA")


# Postal code patterns: "9" a digit, "A" a letter, anything else literal.
_COUNTRIES = (
    _Country(
        "US",
        cultures={
            "anglo": 62,
            "hispanic": 16,
            "chinese": 4,
            "indian": 4,
            "german": 3,
            "vietnamese": 2,
            "korean": 2,
            "polish": 2,
            "arabic": 2,
            "nigerian": 2,
            "french": 1,
        },
        street_style="anglo_us",
        postal="99999",
        providers="comcast.net verizon.net att.net sbcglobal.net",
        tld="com",
        date_style="mdy",
    ),
    _Country(
        "CA",
        cultures={"anglo": 58, "french": 22, "chinese": 8, "indian": 7, "arabic": 5},
        street_style="anglo_us",
        postal="A9A 9A9",
        providers="rogers.com shaw.ca sympatico.ca videotron.ca",
        tld="ca",
        date_style="ymd",
    ),
    _Country(
        "GB",
        cultures={
            "anglo": 80,
            "indian": 8,
            "polish": 4,
            "arabic": 3,
            "nigerian": 3,
            "chinese": 2,
        },
        street_style="anglo_gb",
        postal="GB",
        providers="btinternet.com hotmail.co.uk yahoo.co.uk sky.com",
        tld="co.uk",
        date_style="dmy",
    ),
    _Country(
        "FR",
        cultures={
            "french": 78,
            "arabic": 10,
            "portuguese": 4,
            "hispanic": 3,
            "vietnamese": 3,
            "nigerian": 2,
        },
        street_style="french",
        postal="99999",
        providers="orange.fr free.fr laposte.net sfr.fr wanadoo.fr",
        tld="fr",
        date_style="dmy",
    ),
    _Country(
        "DE",
        cultures={"german": 82, "turkish": 9, "polish": 5, "arabic": 4},
        street_style="german",
        postal="99999",
        providers="gmx.de web.de t-online.de freenet.de",
        tld="de",
        date_style="dmy_dot",
    ),
    _Country(
        "ES",
        cultures={"hispanic": 92, "arabic": 4, "french": 2, "anglo": 2},
        street_style="hispanic",
        postal="99999",
        providers="telefonica.net yahoo.es hotmail.es",
        tld="es",
        date_style="dmy",
    ),
    _Country(
        "SE",
        cultures={"nordic": 86, "arabic": 7, "polish": 4, "turkish": 3},
        street_style="nordic",
        postal="999 99",
        providers="telia.com hotmail.se bredband.net",
        tld="se",
        date_style="ymd",
    ),
    _Country(
        "NL",
        cultures={"dutch": 84, "turkish": 8, "arabic": 5, "indian": 3},
        street_style="dutch",
        postal="9999 AA",
        providers="ziggo.nl kpnmail.nl planet.nl",
        tld="nl",
        date_style="dmy_dash",
    ),
    _Country(
        "PL",
        cultures={"polish": 97, "anglo": 3},
        street_style="polish",
        postal="99-999",
        providers="wp.pl onet.pl o2.pl interia.pl",
        tld="pl",
        date_style="dmy_dot",
    ),
    _Country(
        "AU",
        cultures={"anglo": 75, "chinese": 8, "vietnamese": 5, "indian": 7, "arabic": 5},
        street_style="anglo_us",
        postal="9999",
        providers="bigpond.com optusnet.com.au iinet.net.au",
        tld="com.au",
        date_style="dmy",
    ),
    _Country(
        "IN",
        cultures={"indian": 100},
        street_style="indian",
        postal="999999",
        providers="yahoo.co.in rediffmail.com",
        tld="in",
        date_style="dmy",
    ),
    _Country(
        "MX",
        cultures={"hispanic": 100},
        street_style="mexican",
        postal="99999",
        providers="prodigy.net.mx hotmail.com.mx",
        tld="com.mx",
        date_style="dmy",
    ),
    _Country(
        "BR",
        cultures={"portuguese": 93, "german": 3, "arabic": 2, "hispanic": 2},
        street_style="portuguese",
        postal="99999-999",
        providers="uol.com.br bol.com.br terra.com.br",
        tld="com.br",
        date_style="dmy",
    ),
    _Country(
        "JO",
        cultures={"arabic": 100},
        street_style="arabic",
        postal="99999",
        providers="orange.jo",
        tld="jo",
        date_style="dmy",
    ),
    _Country(
        "NG",
        cultures={"nigerian": 100},
        street_style="nigerian",
        postal="999999",
        providers="yahoo.co.uk",
        tld="ng",
        date_style="dmy",
    ),
)
_COUNTRY_BY_CODE = {country.code: country for country in _COUNTRIES}
_COUNTRY_TABLE = _Table(
    [country.code for country in _COUNTRIES],
    (50.0, 5.0, 8.0, 6.0, 6.0, 4.0, 2.0, 2.0, 1.5, 3.0, 5.0, 4.0, 3.0, 1.5, 1.5),
)

_GB_POSTAL = ("A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA")
_MONTHS = _words("January February March April May June July August September")
_MONTHS += _words("October November December")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LETTERS.upper()
_DIGITS = "0123456789"

# Keyboard neighbours, for typos a finger would make.
_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _row_no, _row in enumerate(_QWERTY_ROWS):
    for _col, _key in enumerate(_row):
        _near = _row[max(0, _col - 1) : _col] + _row[_col + 1 : _col + 2]
        for _other in (_row_no - 1, _row_no + 1):
            if 0 <= _other < len(_QWERTY_ROWS):
                _near += _QWERTY_ROWS[_other][_col : _col + 1]
        _NEIGHBOURS[_key] = _near


# --- phones ----------------------------------------------------------------


class _PhoneBlock:
    """Valid numbers of one region and type, with their format templates.

    A block is a national-number prefix that phonenumbers validates; a number
    is the prefix plus a suffix of ``suffix_len`` digits.  The national and
    international templates are taken from phonenumbers' own formatting of a
    valid number in the block, so that both written forms agree.
    """

    __slots__ = ("country_code", "international", "national", "prefix", "suffix_len")

    def __init__(self, number: phonenumbers.PhoneNumber, suffix_len: int) -> None:
        nsn = phonenumbers.national_significant_number(number)
        self.country_code = str(number.country_code)
        self.prefix = nsn[:-suffix_len]
        self.suffix_len = suffix_len
        national = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL
        )
        international = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        self.national = _template(national, suffix_len)
        self.international = _template(international, suffix_len)


def _template(formatted: str, suffix_len: int) -> str:
    """Turn the last ``suffix_len`` digits of a formatted number into fields."""
    out = []
    remaining = suffix_len
    for char in reversed(formatted.replace("{", "{{").replace("}", "}}")):
        if remaining and char.isdigit():
            remaining -= 1
            out.append(f"{{{remaining}}}")
        else:
            out.append(char)
    return "".join(reversed(out))


@functools.lru_cache(maxsize=64)
def _phone_blocks(region: str, kind: str) -> tuple[_PhoneBlock, ...]:
    """Find up to 400 valid number blocks of one region and kind.

    Candidates keep the first digits of phonenumbers' example number and draw
    the rest; a block is kept when two numbers in it both validate and have
    the requested type.  The search is seeded by the region, so blocks are the
    same in every run.
    """
    wanted = {
        "mobile": phonenumbers.PhoneNumberType.MOBILE,
        "fixed": phonenumbers.PhoneNumberType.FIXED_LINE,
    }[kind]
    accepted = {wanted, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    example = phonenumbers.example_number_for_type(region, wanted)
    assert example is not None, f"phonenumbers has no {kind} example for {region}"
    nsn = phonenumbers.national_significant_number(example)
    suffix_len = min(4, len(nsn) - 3)
    nanp = region in ("US", "CA")
    rng = random.Random(f"phone-blocks:{region}:{kind}")
    blocks: dict[str, _PhoneBlock] = {}

    for _ in range(5000):
        if len(blocks) >= 400:
            break
        # Keeping one or two leading digits of the example stays inside the
        # numbering plan; a length one off finds areas with longer numbers.
        head = rng.choice("23456789") if nanp else nsn[: rng.choice((1, 2, 2))]
        length = len(nsn) + (0 if nanp else rng.choice((0, 0, 0, 1, -1)))
        prefix = head + _digits(rng, length - len(head) - suffix_len)
        if prefix in blocks:
            continue
        numbers = [
            phonenumbers.parse(
                "+" + str(example.country_code) + prefix + _digits(rng, suffix_len)
            )
            for _ in range(2)
        ]
        if all(
            phonenumbers.is_valid_number_for_region(number, region)
            and phonenumbers.number_type(number) in accepted
            for number in numbers
        ):
            blocks[prefix] = _PhoneBlock(numbers[0], suffix_len)

    found = [blocks[key] for key in sorted(blocks)]
    # A block count coprime to 10 keeps the phone book's numbers distinct.
    while len(found) > 1 and (len(found) % 2 == 0 or len(found) % 5 == 0):
        found.pop()
    return tuple(found)


def warm_up() -> None:
    """Build every country's phone blocks now rather than on first use.

    A benchmark calls this first so that its timing of the generator is the
    steady rate, not the one-off search for valid number blocks.
    """
    for country in _COUNTRIES:
        _phone_blocks(country.code, "mobile")
        _phone_blocks(country.code, "fixed")


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(_DIGITS) for _ in range(count))


class _PhoneBook:
    """Hands out distinct valid numbers per region and kind.

    Number ``n`` of a (region, kind) lands in block ``n mod B`` with a suffix
    from a fixed permutation of the suffix space, so no number is handed out
    twice until the space (blocks times suffixes) is used up.
    """

    def __init__(self, seed: int) -> None:
        self._counters: dict[tuple[str, str], int] = {}
        self._offset = random.Random(f"phones:{seed}").randrange(1, 10**6)

    def new(self, region: str, kind: str) -> tuple[_PhoneBlock, str]:
        blocks = _phone_blocks(region, kind)
        key = (region, kind)
        count = self._counters.get(key, 0)
        self._counters[key] = count + 1

        block = blocks[count % len(blocks)]
        space = 10**block.suffix_len
        # 7919 is coprime to 10 and the block count is too, so by the Chinese
        # remainder theorem no (block, suffix) repeats within blocks * space.
        suffix = (count * 7919 + self._offset) % space
        return block, str(suffix).zfill(block.suffix_len)


_NANP_FORMATS = (
    "{a}{b}{c}",
    "+1{a}{b}{c}",
    "{a}-{b}-{c}",
    "+1 ({a}) {b}-{c}",
    "({a}) {b}-{c}",
    "{a}.{b}.{c}",
    "1 {a} {b} {c}",
    "001 {a} {b} {c}",
    "+1-{a}-{b}-{c}",
)


def _format_phone(
    rng: random.Random, phone: tuple[_PhoneBlock, str], *, at_home: bool
) -> str:
    """Write a number the way people type it.

    Args:
        rng: The random source.
        phone: The number's block and suffix.
        at_home: Whether the number belongs to the profile's own country; only
            then may it be written in national form.

    Returns:
        The number as text.
    """
    block, suffix = phone
    nsn = block.prefix + suffix
    cc = block.country_code

    if cc == "1":
        shape = _NANP_FORMATS[int(rng.random() * len(_NANP_FORMATS))]
        if not at_home and shape[0] not in "+0":
            shape = "+1 ({a}) {b}-{c}"
        return shape.format(a=nsn[:3], b=nsn[3:6], c=nsn[6:])

    roll = rng.random()
    if at_home and roll < 0.5:
        national = block.national.format(*suffix)
        if roll < 0.25:
            return national
        if roll < 0.4:
            return "".join(char for char in national if char.isdigit())
        return national.replace(" ", "")
    international = block.international.format(*suffix)
    if roll < 0.65:
        return international
    if roll < 0.8:
        return "+" + cc + nsn
    if roll < 0.88:
        return "00" + cc + " " + nsn
    if roll < 0.94 and block.national.startswith("0"):
        return "+" + cc + " (0)" + nsn
    return "+" + cc + " " + nsn


# --- names -----------------------------------------------------------------


class _Culture:
    __slots__ = ("female", "male", "name", "surnames")

    def __init__(self, name: str, male: str, female: str, surnames: str) -> None:
        self.name = name
        self.male = _Table([n.replace("_", " ") for n in _words(male)])
        self.female = _Table([n.replace("_", " ") for n in _words(female)])
        self.surnames = _Table([n.replace("_", " ") for n in _words(surnames)])


_CULTURES = {name: _Culture(name, *tables) for name, tables in _NAMES.items()}
_NICKNAMER = NickNamer()


@functools.lru_cache(maxsize=4096)
def _nicknames(first: str) -> tuple[str, ...]:
    key = first.lower()
    found = set(_NICKNAMER.nicknames_of(key)) | set(_EXTRA_NICKNAMES.get(key, ()))
    # Sorted, because set order differs between interpreter runs.
    return tuple(sorted(name.title() for name in found if len(name) > 1))


@functools.lru_cache(maxsize=8192)
def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return (
        folded.replace("ß", "ss")
        .replace("ł", "l")
        .replace("Ł", "L")
        .replace("đ", "d")
        .replace("Đ", "D")
        .replace("ı", "i")
        .replace("ø", "o")
        .replace("æ", "ae")
    )


@functools.lru_cache(maxsize=8192)
def _slug(text: str) -> str:
    return "".join(char for char in _ascii(text).lower() if char.isalnum())


def _typo(rng: random.Random, text: str) -> str:
    """Make one keyboard slip in a word: drop, double, swap or hit a neighbour."""
    if len(text) < 3:
        return text

    pos = 1 + int(rng.random() * (len(text) - 2))
    roll = rng.random()
    if roll < 0.3:
        return text[:pos] + text[pos + 1 :]
    if roll < 0.45:
        return text[:pos] + text[pos] + text[pos:]
    if roll < 0.65:
        return text[: pos - 1] + text[pos] + text[pos - 1] + text[pos + 1 :]
    near = _NEIGHBOURS.get(text[pos].lower())
    if not near:
        return text[:pos] + text[pos + 1 :]
    char = near[int(rng.random() * len(near))]
    if text[pos].isupper():
        char = char.upper()
    if roll < 0.85:
        return text[:pos] + char + text[pos + 1 :]
    return text[:pos] + char + text[pos:]


# --- people ----------------------------------------------------------------


class _Company:
    __slots__ = ("domain", "switchboard")

    def __init__(self, domain: str, switchboard: tuple[_PhoneBlock, str]) -> None:
        self.domain = domain
        self.switchboard = switchboard


class _Address:
    __slots__ = ("city", "line", "line_short", "postal")

    def __init__(self, line: str, line_short: str, city: str, postal: str) -> None:
        self.line = line
        self.line_short = line_short
        self.city = city
        self.postal = postal


class _Person:
    __slots__ = (
        "address",
        "birth",
        "business_email",
        "cluster",
        "company",
        "country",
        "direct_line",
        "emails",
        "first",
        "home_phone",
        "last",
        "middle",
        "mobile",
        "old_address",
        "suffix",
    )

    def __init__(self) -> None:
        self.address: _Address | None = None
        self.old_address: _Address | None = None
        self.birth = (1970, 1, 1)
        self.business_email = ""
        self.cluster = 0
        self.company: _Company | None = None
        self.country: _Country = _COUNTRIES[0]
        self.direct_line: tuple[_PhoneBlock, str] | None = None
        self.emails: list[str] = []
        self.first = ""
        self.home_phone: tuple[_PhoneBlock, str] | None = None
        self.last = ""
        self.middle = ""
        self.mobile: tuple[_PhoneBlock, str] | None = None
        self.suffix = ""


class _Mailboxes:
    """Hands out email addresses that no other person holds.

    A fixed-size bit set with two hash functions remembers the addresses given
    out, so memory stays flat at any size. A false "taken" only adds digits to
    an address that was free, as a mail provider might; a real repeat is
    always caught.
    """

    _BITS = 1 << 25

    def __init__(self) -> None:
        self._seen = bytearray(self._BITS // 8)

    def _taken_then_mark(self, address: str) -> bool:
        data = address.encode("utf-8")
        taken = True
        for start in (0, 0x9E3779B9):
            bit = zlib.crc32(data, start) % self._BITS
            byte, mask = bit >> 3, 1 << (bit & 7)
            if not self._seen[byte] & mask:
                taken = False
                self._seen[byte] |= mask
        return taken

    def claim(self, local: str, domain: str, tag: str) -> str:
        """Return ``local@domain``, or with digits added until it is free.

        Args:
            local: The wanted mailbox name.
            domain: The mail domain.
            tag: Digits to add first when the name is taken.

        Returns:
            An address given to nobody before.
        """
        address = f"{local}@{domain}"
        extra = tag
        while self._taken_then_mark(address):
            address = f"{local}{extra}@{domain}"
            extra += str(len(extra) % 10)
        return address


class _World:
    """The generator's state: random source, phone book, companies, counters."""

    def __init__(self, rows: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.phones = _PhoneBook(seed)
        self.people = 0
        self.previous_name: tuple[_Culture, str, str, str] | None = None
        self.mailboxes = _Mailboxes()
        # Companies per country scale with the run, capped so memory stays flat.
        self.company_count = max(8, min(20_000, rows // 40))
        self.companies: dict[tuple[str, int], _Company] = {}
        self.company_rank = _Table(range(self.company_count), skew=0.5)

    def company(self, country: _Country) -> _Company:
        """Pick an employer in a country, large employers more often."""
        index = self.company_rank.pick(self.rng)
        key = (country.code, index)
        found = self.companies.get(key)
        if found is not None:
            return found

        rng = random.Random(f"company:{self.seed}:{country.code}:{index}")
        culture = _CULTURES[country.cultures.items[0]]
        roll = rng.random()
        if roll < 0.4:
            name = rng.choice(_COMPANY_WORDS) + rng.choice(_COMPANY_KINDS)
        elif roll < 0.7:
            name = culture.surnames.pick(rng) + culture.surnames.pick(rng)
        else:
            name = culture.surnames.pick(rng) + rng.choice(_COMPANY_KINDS)
        domain = f"{_slug(name)}{index}.{country.tld if rng.random() < 0.6 else 'com'}"
        company = _Company(domain, self.phones.new(country.code, "fixed"))
        self.companies[key] = company
        return company


def _postal(rng: random.Random, country: _Country) -> str:
    pattern = country.postal
    if pattern == "GB":
        pattern = _GB_POSTAL[int(rng.random() * len(_GB_POSTAL))]
    out = []
    for char in pattern:
        if char == "9":
            out.append(_DIGITS[int(rng.random() * 10)])
        elif char == "A":
            out.append(_UPPER[int(rng.random() * 26)])
        else:
            out.append(char)
    return "".join(out)


def _street_culture(country: _Country) -> str:
    style = country.street_style
    if style.startswith("anglo"):
        return "anglo"
    if style == "mexican":
        return "hispanic"
    return style


def _new_address(rng: random.Random, country: _Country) -> _Address:
    """Draw a street address in the country's own way of writing it."""
    culture = _street_culture(country)
    base = rng.choice(_STREET_BASE_TABLES[culture])
    kind, short = rng.choice(_STREET_TYPES[culture])
    number = str(1 + int(rng.random() ** 2 * 9000))
    style = country.street_style
    unit = ""
    unit_short = ""

    if style == "anglo_us":
        if rng.random() < 0.3:
            word, word_short = rng.choice(_UNIT_WORDS)
            flat = str(rng.randrange(1, 999))
            unit, unit_short = f" {word} {flat}", f" {word_short} {flat}"
        line = f"{number} {base} {kind}{unit}"
        line_short = f"{number} {base} {short}{unit_short}"
    elif style in ("anglo_gb", "nigerian", "arabic", "indian"):
        if style == "anglo_gb" and rng.random() < 0.15:
            flat = str(rng.randrange(1, 60))
            unit, unit_short = f"Flat {flat}, ", f"Flat {flat} "
        line = f"{unit}{number} {base} {kind}"
        line_short = f"{unit_short}{number} {base} {short}"
    elif style == "french":
        line = f"{number}, {kind} {base}"
        line_short = f"{number} {short} {base}"
    elif style in ("german", "nordic", "dutch"):
        line = f"{base}{kind} {number}"
        line_short = f"{base}{short} {number}"
    elif style == "polish":
        line = f"{kind} {base} {number}"
        line_short = f"{base} {number}"
    elif style == "portuguese":
        line = f"{kind} {base}, {number}"
        line_short = f"{short} {base} {number}"
    else:
        line = f"{kind} {base} {number}"
        line_short = f"{short} {base} #{number}"

    return _Address(line, line_short, country.cities.pick(rng), _postal(rng, country))


def _birth(rng: random.Random, low: int, high: int) -> tuple[int, int, int]:
    year = rng.randint(low, high)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28 if month == 2 else 30)
    return year, month, day


def _personal_emails(
    rng: random.Random, world: _World, person: _Person, count: int
) -> list[str]:
    """Make a person's private addresses from their name and a few digits."""
    first = _slug(person.first)
    last = _slug(person.last)
    year = str(person.birth[0])
    tag = str(world.people)
    emails = []

    for _ in range(count):
        roll = rng.random()
        if roll < 0.14:
            local = f"{first}.{last}"
        elif roll < 0.24:
            local = f"{first}{last}"
        elif roll < 0.34:
            local = f"{first[0]}{last}"
        elif roll < 0.42:
            local = f"{first}_{last}"
        elif roll < 0.55:
            local = f"{last}.{first}{tag}"
        elif roll < 0.68:
            local = f"{first}{year[2:]}"
        elif roll < 0.8:
            local = f"{first}.{last}{tag}"
        elif roll < 0.9:
            local = f"{first[0]}{last}{year}"
        else:
            local = f"{first}{tag}"
        provider = (
            person.country.providers.pick(rng)
            if rng.random() < 0.35
            else _GENERIC_PROVIDERS.pick(rng)
        )
        emails.append(world.mailboxes.claim(local, provider, tag))

    return emails


def _new_person(
    world: _World,
    country: _Country,
    culture: _Culture,
    *,
    female: bool,
    last: str,
    birth: tuple[int, int, int],
    address: _Address,
    home_phone: tuple[_PhoneBlock, str] | None,
    first: str = "",
) -> _Person:
    rng = world.rng
    world.people += 1
    person = _Person()
    person.cluster = world.people
    person.country = country
    person.first = first or (culture.female if female else culture.male).pick(rng)
    person.last = last
    person.birth = birth
    person.address = address
    person.home_phone = home_phone

    if rng.random() < 0.35:
        person.middle = (culture.female if female else culture.male).pick(rng)
    if rng.random() < 0.08:
        person.old_address = _new_address(rng, country)
    region = country.code if rng.random() < 0.95 else _COUNTRY_TABLE.pick(rng)
    person.mobile = world.phones.new(region, "mobile")
    person.emails = _personal_emails(rng, world, person, 1 + (rng.random() < 0.35))

    if rng.random() < 0.45:
        company = world.company(country)
        person.company = company
        f, lst = _slug(person.first), _slug(person.last)
        roll = rng.random()
        local = f"{f[0]}{lst}" if roll < 0.5 else f"{f}.{lst}" if roll < 0.85 else f
        person.business_email = world.mailboxes.claim(
            local, company.domain, str(world.people % 10)
        )
        if rng.random() < 0.25:
            person.direct_line = world.phones.new(country.code, "fixed")

    return person


def _household(world: _World) -> list[_Person]:
    """Make the people of one household: alone, a couple, or a family."""
    rng = world.rng
    country = _COUNTRY_BY_CODE[_COUNTRY_TABLE.pick(rng)]
    culture = _CULTURES[country.cultures.pick(rng)]
    address = _new_address(rng, country)
    home_phone = world.phones.new(country.code, "fixed") if rng.random() < 0.7 else None
    last = culture.surnames.pick(rng)
    female = rng.random() < 0.5
    first = ""

    # A namesake: the same full name as the previous household's head,
    # somewhere else, with other contact details.
    if world.previous_name is not None and rng.random() < 0.04:
        culture, first, last, gender = world.previous_name
        female = gender == "f"
    head_birth = _birth(rng, 1938, 2004)
    head = _new_person(
        world,
        country,
        culture,
        female=female,
        last=last,
        birth=head_birth,
        address=address,
        home_phone=home_phone,
        first=first,
    )
    world.previous_name = (culture, head.first, head.last, "f" if female else "m")
    people = [head]

    roll = rng.random()
    if roll < 0.74:
        return people

    partner_last = last if rng.random() < 0.8 else culture.surnames.pick(rng)
    partner_birth = _birth(rng, head_birth[0] - 6, min(2004, head_birth[0] + 6))
    people.append(
        _new_person(
            world,
            country,
            culture,
            female=not female,
            last=partner_last,
            birth=partner_birth,
            address=address,
            home_phone=home_phone,
        )
    )
    if rng.random() < 0.4:
        # A family address: each partner uses it beside their own.
        family = f"{_slug(last)}family{world.people}@{_GENERIC_PROVIDERS.pick(rng)}"
        for person in people:
            person.emails.insert(0, family)
    if roll < 0.88 or head_birth[0] > 1985:
        return people

    kids_year = min(2008, head_birth[0] + rng.randint(22, 38))
    kids = 1 + int(rng.random() * 3)
    twins = rng.random() < 0.25
    junior = not female and rng.random() < 0.2
    for number in range(kids):
        kid_birth = _birth(rng, kids_year, min(2008, kids_year + 8))
        if twins and number == 1:
            kid_birth = people[-1].birth
        kid_female = rng.random() < 0.5
        kid_first = ""
        if junior and number == 0:
            kid_female = False
            kid_first = head.first
        kid = _new_person(
            world,
            country,
            culture,
            female=kid_female,
            last=last,
            birth=kid_birth,
            address=address,
            home_phone=home_phone,
            first=kid_first,
        )
        if twins and number == 1:
            # Twins are different people: never the same first name.
            while kid.first == people[-1].first:
                kid.first = (culture.female if kid_female else culture.male).pick(rng)
        if kid_first:
            kid.middle = head.middle
            kid.suffix, head.suffix = "Jr.", "Sr."
        people.append(kid)

    return people


# --- records ---------------------------------------------------------------


def _vary_name(rng: random.Random, name: str, clean: bool) -> str:
    if not name:
        return name

    rate = 0.25 if clean else 1.0
    if rng.random() < 0.35 * rate:
        name = _ascii(name)
    if rng.random() < 0.07 * rate:
        name = _typo(rng, name)
    roll = rng.random()
    if roll < 0.05 * rate:
        name = name.upper()
    elif roll < 0.08 * rate:
        name = name.lower()
    return name


def _format_date(rng: random.Random, birth: tuple[int, int, int], style: str) -> str:
    year, month, day = birth
    roll = rng.random()
    if roll < 0.7:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if roll < 0.88:
        if style == "mdy":
            return f"{month:02d}/{day:02d}/{year:04d}"
        if style == "dmy_dot":
            return f"{day:02d}.{month:02d}.{year:04d}"
        if style == "dmy_dash":
            return f"{day:02d}-{month:02d}-{year:04d}"
        if style == "ymd":
            return f"{year:04d}/{month:02d}/{day:02d}"
        return f"{day:02d}/{month:02d}/{year:04d}"
    if roll < 0.94:
        return f"{year:04d}{month:02d}{day:02d}"
    if style == "mdy":
        return f"{_MONTHS[month - 1]} {day}, {year}"
    return f"{day} {_MONTHS[month - 1][:3]} {year}"


def _vary_email(rng: random.Random, email: str) -> str:
    roll = rng.random()
    if roll < 0.05:
        return email.upper()
    if roll < 0.1:
        return email[0].upper() + email[1:]
    if roll < 0.13:
        local, _, domain = email.partition("@")
        return _typo(rng, local) + "@" + domain
    return email


def _record(rng: random.Random, person: _Person, clean: bool) -> dict[str, str]:
    """Write one profile of a person, with the drift of collected data."""
    row = dict.fromkeys(COLUMNS, "")
    row["cluster_id"] = f"c{person.cluster}"
    row["country"] = person.country.code

    first = person.first
    last = person.last
    roll = rng.random()
    nicks = _nicknames(first)
    if not clean and nicks and roll < 0.13:
        first = nicks[int(rng.random() * len(nicks))]
    elif not clean and roll < 0.2:
        first = first[0] + ("." if rng.random() < 0.7 else "")
    if person.suffix and rng.random() < 0.35:
        last = f"{last} {person.suffix}"
    first = _vary_name(rng, first, clean)
    last = _vary_name(rng, last, clean)
    if not clean and rng.random() < 0.03:
        first, last = last, first
    row["first_name"] = first
    row["last_name"] = last
    if person.middle and rng.random() < 0.45:
        middle = person.middle if rng.random() < 0.8 else person.middle[0] + "."
        row["middle_name"] = _vary_name(rng, middle, clean)

    emails = person.emails
    if rng.random() < 0.47:
        row["personal_email_address"] = _vary_email(
            rng, emails[int(rng.random() * len(emails))]
        )
    if person.business_email and rng.random() < 0.55:
        row["business_email_address"] = _vary_email(rng, person.business_email)
    if rng.random() < 0.71:
        pool = [*emails, person.business_email] if person.business_email else emails
        row["email_address"] = _vary_email(rng, pool[int(rng.random() * len(pool))])

    home = person.country.code
    numbers = []
    if person.mobile is not None and rng.random() < 0.58:
        row["mobile_phone_number"] = _phone(rng, person.mobile, home)
        numbers.append(person.mobile)
    if person.home_phone is not None and rng.random() < 0.58:
        row["home_phone_number"] = _phone(rng, person.home_phone, home)
        numbers.append(person.home_phone)
    if person.company is not None and rng.random() < 0.52:
        work = person.direct_line or person.company.switchboard
        if person.direct_line is not None and rng.random() < 0.4:
            work = person.company.switchboard
        row["business_phone_number"] = _phone(rng, work, home)
    if rng.random() < 0.61:
        # The main number is most often one also given in its own column.
        options = [*numbers, *numbers, person.mobile, person.home_phone]
        known = [phone for phone in options if phone is not None]
        if known:
            row["phone_number"] = _phone(
                rng, known[int(rng.random() * len(known))], home
            )

    if rng.random() < 0.61:
        address = person.address
        if person.old_address is not None and rng.random() < 0.4:
            address = person.old_address
        if address is not None:
            row["address1"] = _vary_address(rng, address, clean)
            row["city"] = address.city if rng.random() < 0.95 else _ascii(address.city)
            row["postal_code"] = address.postal
    if rng.random() < 0.41:
        birth = person.birth
        if not clean and rng.random() < 0.03 and birth[2] <= 12:
            birth = (birth[0], birth[2], birth[1])
        row["birth_date"] = _format_date(rng, birth, person.country.date_style)

    return row


def _phone(rng: random.Random, phone: tuple[_PhoneBlock, str], home: str) -> str:
    block = phone[0]
    at_home = block.country_code == (
        "1" if home in ("US", "CA") else _COUNTRY_CODES[home]
    )
    return _format_phone(rng, phone, at_home=at_home)


_COUNTRY_CODES = {
    country.code: str(phonenumbers.country_code_for_region(country.code))
    for country in _COUNTRIES
}


def _vary_address(rng: random.Random, address: _Address, clean: bool) -> str:
    line = address.line_short if rng.random() < 0.3 else address.line
    if clean:
        return line

    roll = rng.random()
    if roll < 0.05:
        return line.upper()
    if roll < 0.1:
        return line.lower()
    if roll < 0.15:
        return _ascii(line)
    if roll < 0.19:
        words = line.split(" ")
        index = int(rng.random() * len(words))
        words[index] = _typo(rng, words[index])
        return " ".join(words)
    return line


def generate(rows: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Stream labelled synthetic profiles.

    Args:
        rows: How many profiles to produce.
        seed: The random seed; the same seed gives the same rows.

    Returns:
        An iterator of rows, each a dict with the keys of ``COLUMNS``; rows
        with the same ``cluster_id`` describe the same person.

    Raises:
        ValueError: If ``rows`` is negative.
    """
    if rows < 0:
        raise ValueError(f"rows must be 0 or more, got {rows}; pass a count")

    return _generate(rows, seed)


def _generate(rows: int, seed: int) -> Iterator[dict[str, str]]:
    world = _World(rows, seed)
    rng = world.rng
    window: list[dict[str, str]] = []
    made = 0
    sent = 0
    sizes = _Table(CLUSTER_SIZES, CLUSTER_SIZE_WEIGHTS)

    while made < rows:
        for person in _household(world):
            for copy in range(sizes.pick(rng)):
                if made == rows:
                    break
                window.append(_record(rng, person, clean=copy == 0))
                made += 1
                if len(window) == SHUFFLE_WINDOW:
                    sent += 1
                    yield _emit(rng, window, seed, sent)

    rng.shuffle(window)
    while window:
        sent += 1
        row = window.pop()
        row["profile_id"] = f"p{seed}-{sent:08d}"
        yield row


def _emit(
    rng: random.Random, window: list[dict[str, str]], seed: int, number: int
) -> dict[str, str]:
    index = int(rng.random() * len(window))
    row = window[index]
    window[index] = window[-1]
    window.pop()
    row["profile_id"] = f"p{seed}-{number:08d}"
    return row


def write_csv(rows: int, seed: int, output: Path | None) -> int:
    """Write generated profiles as CSV to a file, or to stdout.

    Args:
        rows: How many profiles to write.
        seed: The random seed.
        output: The CSV file to write; None writes to stdout.

    Returns:
        The number of rows written.
    """
    handle = (
        output.open("w", newline="", encoding="utf-8")
        if output is not None
        else sys.stdout
    )
    try:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        count = 0
        for row in generate(rows, seed):
            writer.writerow(row)
            count += 1
    finally:
        if output is not None:
            handle.close()

    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="profiles to make")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--output", type=Path, default=None, help="CSV file (default: stdout)"
    )
    args = parser.parse_args(argv)

    if args.rows < 0:
        parser.error(f"--rows must be 0 or more, got {args.rows}")
    write_csv(args.rows, args.seed, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
