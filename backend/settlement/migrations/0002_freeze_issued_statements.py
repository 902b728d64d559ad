"""Issued statements are frozen in the database itself, not only by the services: a trigger
refuses any insert, update or delete of a line of an issued or paid statement, and any change
to an issued statement other than recording its payment, and deleting it."""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION settlement_line_frozen() RETURNS trigger AS $$
DECLARE
    frozen boolean;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status <> 'draft' INTO frozen
          FROM settlement_vendorstatement WHERE id = OLD.statement_id;
        IF frozen THEN
            RAISE EXCEPTION 'statement % is issued: its lines are frozen', OLD.statement_id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status <> 'draft' INTO frozen
          FROM settlement_vendorstatement WHERE id = NEW.statement_id;
        IF frozen THEN
            RAISE EXCEPTION 'statement % is issued: its lines are frozen', NEW.statement_id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER settlement_line_frozen
BEFORE INSERT OR UPDATE OR DELETE ON settlement_statementline
FOR EACH ROW EXECUTE FUNCTION settlement_line_frozen();

CREATE FUNCTION settlement_statement_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'statement % is issued and cannot be deleted', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.vendor_id <> OLD.vendor_id
       OR NEW.period_start <> OLD.period_start OR NEW.period_end <> OLD.period_end
       OR NEW.currency <> OLD.currency OR NEW.commission_rate <> OLD.commission_rate
       OR NEW.gross_amount <> OLD.gross_amount OR NEW.refund_amount <> OLD.refund_amount
       OR NEW.discount_amount <> OLD.discount_amount
       OR NEW.commission_amount <> OLD.commission_amount
       OR NEW.adjustment_amount <> OLD.adjustment_amount
       OR NEW.net_amount <> OLD.net_amount OR NEW.line_count <> OLD.line_count
       OR NEW.issued_at IS DISTINCT FROM OLD.issued_at
       OR NEW.status = 'draft'
       OR (OLD.status = 'paid' AND NEW.status <> 'paid') THEN
        RAISE EXCEPTION 'statement % is issued: only its payment may be recorded', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER settlement_statement_frozen
BEFORE UPDATE OR DELETE ON settlement_vendorstatement
FOR EACH ROW EXECUTE FUNCTION settlement_statement_frozen();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS settlement_statement_frozen ON settlement_vendorstatement;
DROP FUNCTION IF EXISTS settlement_statement_frozen();
DROP TRIGGER IF EXISTS settlement_line_frozen ON settlement_statementline;
DROP FUNCTION IF EXISTS settlement_line_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
