"""Ideas for tests that must not look alike: moderation sends near-duplicates to review."""
import random

WORDS = ("Bahnhof", "Radweg", "Spielplatz", "Bibliothek", "Marktplatz", "Schule", "Brunnen", "Bank",
         "Baum", "Laterne", "Bus", "Haltestelle", "Parkhaus", "Wiese", "Museum", "Kita", "Sporthalle",
         "Ampel", "Zebrastreifen", "Teich", "Garten", "Bürgerbüro", "Rathaus", "Kirchplatz", "Dalke",
         "Stadtpark", "Freibad", "Jugendzentrum", "Seniorentreff", "Fahrradständer", "Ladestation",
         "Gehweg", "Tempo", "WLAN", "Sitzgruppe", "Toilette", "Beleuchtung", "Hecke", "Blühstreifen")
VERBS = ("braucht", "bekommt", "verdient", "wünscht sich", "fehlt", "ergänzt")


def distinct_text(words: int, rng: random.Random) -> str:
    return " ".join(f"{rng.choice(WORDS)} {rng.choice(VERBS)}" for _ in range(words)) + "."


def distinct_idea(category: str = "other", **overrides) -> dict:
    rng = random.Random()
    return {"title": distinct_text(3, rng)[:140], "description": distinct_text(12, rng),
            "category": category} | overrides
