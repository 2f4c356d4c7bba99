"""SLA policies, business calendars, breach marks and work windows (issue 4)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import helpdesk_tui.store.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = helpdesk_tui.store.models.UTCDateTime
TICKET_TIMES = (
    "response_breach_due_at",
    "resolution_breach_due_at",
    "silence_since",
    "work_start_at",
    "work_end_at",
)


def _unnotified(timer: str) -> str:
    return (
        f"{timer}_due_at IS NOT NULL AND ({timer}_breach_due_at IS NULL"
        f" OR {timer}_breach_due_at <> {timer}_due_at)"
    )


def upgrade() -> None:
    for table in ("sla_calendars", "sla_policies"):
        op.create_table(
            table,
            sa.Column("name", sa.String(length=64), nullable=False),
            sa.Column("definition", sa.JSON(), nullable=False),
            sa.Column("updated_at", UTC(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("name"),
        )
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("sla_policy", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("auto_close_days", sa.Integer(), nullable=True))
    for column in TICKET_TIMES:
        op.add_column("tickets", sa.Column(column, UTC(timezone=True), nullable=True))
    # The earliest sound value: silence is then measured from the history (store/automation.py).
    op.execute("UPDATE tickets SET silence_since = created_at")
    for timer in ("response", "resolution"):
        where = sa.text(_unnotified(timer))
        op.create_index(
            f"ix_tickets_{timer}_unnotified",
            "tickets",
            [f"{timer}_due_at"],
            sqlite_where=where,
            postgresql_where=where,
        )
    op.create_index("ix_tickets_silence", "tickets", ["status", "silence_since"])


def downgrade() -> None:
    op.drop_index("ix_tickets_silence", table_name="tickets")
    for timer in ("response", "resolution"):
        op.drop_index(f"ix_tickets_{timer}_unnotified", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        for column in TICKET_TIMES:
            batch.drop_column(column)
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("auto_close_days")
        batch.drop_column("sla_policy")
    op.drop_table("sla_policies")
    op.drop_table("sla_calendars")
