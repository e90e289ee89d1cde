"""Near-duplicates against the real database: moderation's idea_texts table and pg_trgm similarity."""

import uuid

import psycopg
import pytest
from psycopg.rows import dict_row

from aufbruch.db import migrate
from services.moderation.repository import MIGRATIONS, SCHEMA, Repository
from services.moderation.rules import NEAR_DUPLICATE_THRESHOLD, REVIEW, SimilarIdea, combined_text, moderate

BIKES = (
    "Mehr Fahrradbügel am Bahnhof",
    "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder, besonders morgens.",
)
BIKES_REPHRASED = (
    "Mehr Abstellplätze für Fahrräder am Hauptbahnhof",
    "Morgens sind alle Fahrradbügel am Bahnhof belegt; es braucht mehr sichere Plätze.",
)
BENCHES = (
    "Mehr Bänke im Stadtpark",
    "Entlang der Wege fehlen Sitzplätze für ältere Menschen. Vorschlag: zehn neue Bänke.",
)


@pytest.fixture
def connect(database):
    migrate(database.url, SCHEMA, MIGRATIONS)

    def connect():
        return psycopg.connect(database.url, options=f"-c search_path={SCHEMA}", row_factory=dict_row)

    return connect


def remember(connect, idea: tuple[str, str], idea_id=None) -> uuid.UUID:
    idea_id = idea_id or uuid.uuid4()
    with connect() as conn:
        Repository(conn).remember_text(idea_id, combined_text(*idea))
    return idea_id


def similar(connect, idea: tuple[str, str], idea_id=None, **options) -> list[SimilarIdea]:
    with connect() as conn:
        return Repository(conn).similar_ideas(idea_id or uuid.uuid4(), combined_text(*idea), **options)


def test_migrations_create_the_extension_table_and_index_and_apply_once(connect, database):
    assert migrate(database.url, SCHEMA, MIGRATIONS) == []
    with connect() as conn:
        assert conn.execute(
            "select extnamespace::regnamespace::text as schema from pg_extension where extname = 'pg_trgm'"
        ).fetchone() == {"schema": "moderation"}
        index = conn.execute(
            "select indexdef from pg_indexes where tablename = 'idea_texts' and indexname = 'idea_texts_text_trgm'"
        ).fetchone()
        assert "gin (text gin_trgm_ops)" in index["indexdef"]


def test_a_rephrased_idea_is_found_similar_and_an_unrelated_one_is_not(connect):
    bikes = remember(connect, BIKES)
    remember(connect, BENCHES)

    found = similar(connect, BIKES_REPHRASED)

    assert [idea.idea_id for idea in found] == [bikes]
    assert NEAR_DUPLICATE_THRESHOLD <= found[0].similarity < 1
    verdict = moderate(*BIKES_REPHRASED, similar_ideas=found)
    assert verdict.outcome == REVIEW
    assert verdict.reasons == ["near_duplicate"]
    assert str(bikes) in verdict.findings[0].detail


def test_an_unrelated_idea_has_no_near_duplicate(connect):
    remember(connect, BIKES)
    remember(connect, BIKES_REPHRASED)
    assert similar(connect, BENCHES) == []
    assert similar(connect, BENCHES, min_similarity=0.0) != []  # the threshold, not the query, left them out


def test_the_idea_itself_is_excluded(connect):
    bikes = remember(connect, BIKES)
    assert similar(connect, BIKES, idea_id=bikes) == []
    assert similar(connect, BIKES, idea_id=str(bikes)) == []  # ids straight from an event are strings
    assert similar(connect, BIKES) == [SimilarIdea(bikes, 1.0)]


def test_most_similar_first_and_at_most_limit(connect):
    exact = remember(connect, BIKES)
    close = remember(connect, (BIKES[0], BIKES[1].replace("besonders morgens", "vor allem morgens")))
    rephrased = remember(connect, BIKES_REPHRASED)
    remember(connect, (BIKES[0] + "!", BIKES[1]))

    found = similar(connect, BIKES, limit=3)

    assert len(found) == 3
    assert found[0] == SimilarIdea(exact, 1.0)
    assert [idea.similarity for idea in found] == sorted((idea.similarity for idea in found), reverse=True)
    assert rephrased not in [idea.idea_id for idea in found]
    assert close in [idea.idea_id for idea in similar(connect, BIKES, limit=10)]


def test_a_text_is_remembered_once_per_idea(connect):
    idea_id = remember(connect, BIKES)
    remember(connect, BENCHES, idea_id=idea_id)  # a redelivered or repeated call changes nothing
    with connect() as conn:
        assert conn.execute("select text from idea_texts").fetchall() == [{"text": combined_text(*BIKES)}]


def test_the_threshold_is_set_for_the_transaction_only(connect):
    with connect() as conn:
        Repository(conn).similar_ideas(uuid.uuid4(), "irgendein Text", min_similarity=0.8)
        assert conn.execute("select current_setting('pg_trgm.similarity_threshold') as t").fetchone()["t"] == "0.8"
        conn.commit()
        assert conn.execute("select current_setting('pg_trgm.similarity_threshold') as t").fetchone()["t"] == "0.3"


def test_the_trigram_index_serves_the_query(connect):
    for _ in range(3):
        remember(connect, BIKES)
    with connect() as conn:
        conn.execute("set local enable_seqscan = off")
        plan = conn.execute(
            "explain select idea_id from idea_texts where text %% %s", (combined_text(*BIKES),)
        ).fetchall()
    assert "idea_texts_text_trgm" in "\n".join(row["QUERY PLAN"] for row in plan)
