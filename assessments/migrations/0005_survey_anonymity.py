"""Survey anonymity that cannot be undone.

- A code records only *that* it was used (`used`); in anonymised surveys its time of use is
  dropped and the per-unit TokenUse rows are deleted (together they lined a code up with its
  answers by time and by the set of units rated).
- Responses and answers get random keys, and those of anonymised surveys already stored are
  re-keyed, so that their order no longer tells the order of the votes.
- On PostgreSQL, triggers refuse what the services never do: changing `anonymised` once a
  survey has votes, a code or a time of use on an anonymised survey's answers or codes, a
  TokenUse row for an anonymised survey.
"""

from django.db import migrations, models

import assessments.models.surveys

RANDOM_KEY_SQL = {
    "postgresql": "(floor(random() * 4611686018427387902) + 1)::bigint",
    "sqlite": "(abs(random()) % 4611686018427387902 + 1)",
}


def scrub_codes(apps, schema_editor):
    RaterToken = apps.get_model("assessments", "RaterToken")
    TokenUse = apps.get_model("assessments", "TokenUse")
    RaterToken.objects.filter(used_at__isnull=False).update(used=True)
    RaterToken.objects.filter(survey__anonymised=True).update(used_at=None)
    TokenUse.objects.filter(token__survey__anonymised=True).delete()
    if schema_editor is not None and schema_editor.connection.vendor == "postgresql":
        # Run the deferred key checks now: the constraint added next alters the table.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def rekey_anonymised_answers(apps, schema_editor):
    if schema_editor is None:  # tests/bootstrap.py replays data steps on a flushed database
        return
    vendor = schema_editor.connection.vendor
    if vendor not in RANDOM_KEY_SQL:
        return
    rand = RANDOM_KEY_SQL[vendor]
    anonymised = "SELECT id FROM assessments_survey WHERE anonymised"
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            # Answers point at the new keys before the responses carry them.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DROP TABLE IF EXISTS zf_rekey")
        cursor.execute(
            f"CREATE TEMPORARY TABLE zf_rekey AS SELECT id AS old, {rand} AS new"
            f" FROM assessments_surveyresponse WHERE survey_id IN ({anonymised})"
        )
        cursor.execute("CREATE UNIQUE INDEX zf_rekey_old ON zf_rekey (old)")
        cursor.execute(
            "UPDATE assessments_surveyanswer SET response_id ="
            " (SELECT new FROM zf_rekey WHERE old = response_id)"
            " WHERE response_id IN (SELECT old FROM zf_rekey)"
        )
        cursor.execute(
            "UPDATE assessments_surveyresponse SET id = (SELECT new FROM zf_rekey WHERE old = id)"
            " WHERE id IN (SELECT old FROM zf_rekey)"
        )
        cursor.execute(
            f"UPDATE assessments_surveyanswer SET id = {rand} WHERE response_id IN"
            f" (SELECT id FROM assessments_surveyresponse WHERE survey_id IN ({anonymised}))"
        )
        cursor.execute("DROP TABLE zf_rekey")
        if vendor == "postgresql":
            # Check the re-pointed foreign keys now: the triggers below alter these tables.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


GUARDS = """
CREATE OR REPLACE FUNCTION zf_survey_anonymity_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM assessments_surveyresponse WHERE survey_id = OLD.id)
     OR EXISTS (SELECT 1 FROM assessments_ratertoken WHERE survey_id = OLD.id AND used) THEN
    RAISE EXCEPTION 'survey %: anonymised cannot change once the survey has votes', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS zf_survey_anonymity_fixed ON assessments_survey;
CREATE TRIGGER zf_survey_anonymity_fixed BEFORE UPDATE OF anonymised ON assessments_survey
  FOR EACH ROW WHEN (OLD.anonymised IS DISTINCT FROM NEW.anonymised)
  EXECUTE FUNCTION zf_survey_anonymity_fixed();

CREATE OR REPLACE FUNCTION zf_survey_no_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  survey bigint;
BEGIN
  IF TG_TABLE_NAME = 'assessments_tokenuse' THEN
    SELECT t.survey_id INTO survey FROM assessments_ratertoken t WHERE t.id = NEW.token_id;
  ELSE
    survey := NEW.survey_id;
  END IF;
  IF EXISTS (SELECT 1 FROM assessments_survey WHERE id = survey AND anonymised) THEN
    RAISE EXCEPTION 'survey %: an anonymised survey keeps no link between codes and answers',
      survey USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS zf_response_no_code ON assessments_surveyresponse;
CREATE TRIGGER zf_response_no_code BEFORE INSERT OR UPDATE ON assessments_surveyresponse
  FOR EACH ROW WHEN (NEW.token_id IS NOT NULL) EXECUTE FUNCTION zf_survey_no_link();
DROP TRIGGER IF EXISTS zf_code_no_time ON assessments_ratertoken;
CREATE TRIGGER zf_code_no_time BEFORE INSERT OR UPDATE ON assessments_ratertoken
  FOR EACH ROW WHEN (NEW.used_at IS NOT NULL) EXECUTE FUNCTION zf_survey_no_link();
DROP TRIGGER IF EXISTS zf_code_no_units ON assessments_tokenuse;
CREATE TRIGGER zf_code_no_units BEFORE INSERT OR UPDATE ON assessments_tokenuse
  FOR EACH ROW EXECUTE FUNCTION zf_survey_no_link();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS zf_survey_anonymity_fixed ON assessments_survey;
DROP TRIGGER IF EXISTS zf_response_no_code ON assessments_surveyresponse;
DROP TRIGGER IF EXISTS zf_code_no_time ON assessments_ratertoken;
DROP TRIGGER IF EXISTS zf_code_no_units ON assessments_tokenuse;
DROP FUNCTION IF EXISTS zf_survey_anonymity_fixed();
DROP FUNCTION IF EXISTS zf_survey_no_link();
"""


def install_guards(apps, schema_editor):
    # A flush (tests/bootstrap.py replays data steps with no editor) keeps the triggers.
    if schema_editor is not None and schema_editor.connection.vendor == "postgresql":
        # Through the cursor without parameters: the SQL has literal % signs.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(GUARDS)


def remove_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP_GUARDS)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_assignment_indicator_deadline"),
    ]

    operations = [
        migrations.AddField(
            model_name="ratertoken",
            name="used",
            field=models.BooleanField(db_default=False, default=False, verbose_name="Used"),
        ),
        migrations.RemoveIndex(
            model_name="ratertoken",
            name="token_survey_used",
        ),
        migrations.AddIndex(
            model_name="ratertoken",
            index=models.Index(fields=["survey", "used"], name="token_survey_used_flag"),
        ),
        migrations.AlterField(
            model_name="survey",
            name="anonymised",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Keep no link between a code and its answers. Fixed once the survey has "
                    "votes: a link cut cannot be restored."
                ),
                verbose_name="Anonymised",
            ),
        ),
        migrations.AlterField(
            model_name="survey",
            name="status",
            field=models.CharField(
                choices=[("draft", "Not started"), ("open", "Open"), ("closed", "Closed")],
                default="draft",
                max_length=16,
                verbose_name="Status",
            ),
        ),
        migrations.AlterField(
            model_name="surveyanswer",
            name="id",
            field=models.BigIntegerField(
                default=assessments.models.surveys.random_key,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.AlterField(
            model_name="surveyresponse",
            name="id",
            field=models.BigIntegerField(
                default=assessments.models.surveys.random_key,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.RunPython(scrub_codes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="ratertoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("used", True), ("used_at__isnull", True), _connector="OR"),
                name="token_used_at_only_if_used",
            ),
        ),
        migrations.RunPython(rekey_anonymised_answers, migrations.RunPython.noop),
        migrations.RunPython(install_guards, remove_guards),
    ]
