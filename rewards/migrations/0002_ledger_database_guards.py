"""PostgreSQL guards of the ledger, beside the model layer's: a raw UPDATE or DELETE of a
transaction or an entry fails, and a transaction whose entries do not sum to zero per asset
cannot commit (a deferred constraint trigger, as django-hordak's ``check_leg``). On other
databases the model layer's guards stand alone.

Reversible: dropping the functions and triggers restores the previous state exactly.
"""

from django.db import migrations

GUARDS = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_transaction_append_only
    BEFORE UPDATE OR DELETE ON rewards_ledgertransaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON rewards_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_check_zero_sum() RETURNS trigger AS $$
DECLARE
    unbalanced record;
BEGIN
    SELECT asset, SUM(amount) AS total INTO unbalanced
        FROM rewards_entry WHERE transaction_id = NEW.transaction_id
        GROUP BY asset HAVING SUM(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: % sums to %',
            NEW.transaction_id, unbalanced.asset, unbalanced.total
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_entry_zero_sum
    AFTER INSERT ON rewards_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_zero_sum();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS ledger_entry_zero_sum ON rewards_entry;
DROP TRIGGER IF EXISTS ledger_entry_append_only ON rewards_entry;
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON rewards_ledgertransaction;
DROP FUNCTION IF EXISTS ledger_check_zero_sum();
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""


def add_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS, params=None)


def drop_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GUARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial")]

    operations = [migrations.RunPython(add_guards, drop_guards)]
