"""GIN indexes for full-text search on PostgreSQL (forum.search); other databases search without them.

Created here rather than in Meta.indexes: SQLite has no GIN, and it rebuilds
tables from the model state, which would then try to create them.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SEARCH_INDEXES = [
    ("Comment", GinIndex(SearchVector("text", config="english"), name="forum_comment_text_search")),
    ("PostSection", GinIndex(SearchVector("body", config="english"), name="forum_section_body_search")),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in SEARCH_INDEXES:
        schema_editor.add_index(apps.get_model("forum", model_name), index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in SEARCH_INDEXES:
        schema_editor.remove_index(apps.get_model("forum", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("forum", "0004_comment_refers_to")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
