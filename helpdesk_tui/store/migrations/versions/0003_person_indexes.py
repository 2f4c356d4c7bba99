"""covering person indexes for the narrow branch of the tab counts

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = {"assignee": "assignee_id", "requester": "requester_id", "contact": "contact_id"}


def upgrade() -> None:
    for name, column in COLUMNS.items():
        op.drop_index(f"ix_tickets_{name}", table_name="tickets")
        op.create_index(f"ix_tickets_{name}", "tickets", [column, "area_id", "status", "id"])


def downgrade() -> None:
    for name, column in COLUMNS.items():
        op.drop_index(f"ix_tickets_{name}", table_name="tickets")
        op.create_index(f"ix_tickets_{name}", "tickets", [column, "status"])
