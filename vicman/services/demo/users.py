"""Demo accounts, so that every role can be tried at once. They all have the password `demo-password-2026`.

- `admin`: administrator;
- `supervisor`: supervisor, linked to a sergeant (or, failing one, an officer) of the first division;
- `bureau`: the first division's re-contact bureau;
- one account per officer for up to ten officers (first division first), named by staff number.

Made beside any users the database already has (the first-run administrator, say), skipping a name
or officer already taken; audited like `users.add_user` (one record each). The demo fills only an
empty database, so these known passwords never sit beside real victims' records.
"""

from __future__ import annotations

from sqlalchemy import select

from vicman.services import users
from vicman.services.context import ServiceContext
from vicman.store.tables import OfficerRow, UserRow

DEMO_PASSWORD = "demo-password-2026"
OFFICER_ACCOUNTS = 10


def make_demo_users(ctx: ServiceContext, division: str) -> list[str]:
    """The demo accounts (see the module docstring) for `division`; the usernames made."""
    with ctx.db.transaction() as session:
        taken_names = set(session.scalars(select(UserRow.username)))
        taken_officers = {i for i in session.scalars(select(UserRow.officer_id)) if i is not None}
        officers = list(session.scalars(select(OfficerRow).where(OfficerRow.active.is_(True))))
        officers.sort(key=lambda o: (o.division != division, o.staff_no))
        sergeants = [o for o in officers if o.division == division and o.name.split(" ")[0] in ("PS", "DS")]
        supervisor = (sergeants or officers)[0] if officers else None
        accounts = [users.NewAccount("admin", "Demo Administrator", ("administrator",), None, None, None, None)]
        if supervisor is not None:
            accounts.append(
                users.NewAccount(
                    "supervisor",
                    supervisor.name,
                    ("supervisor",),
                    supervisor.division,
                    supervisor.team,
                    supervisor.id,
                    supervisor.staff_no,
                )
            )
        accounts.append(users.NewAccount("bureau", "Demo Bureau", ("bureau",), division, None, None, None))
        for officer in [o for o in officers if o is not supervisor][:OFFICER_ACCOUNTS]:
            accounts.append(
                users.NewAccount(
                    officer.staff_no.lower(),
                    officer.name,
                    ("officer",),
                    officer.division,
                    officer.team,
                    officer.id,
                    officer.staff_no,
                )
            )
        accounts = [a for a in accounts if a.username not in taken_names and a.officer_id not in taken_officers]
        if not accounts:
            return []
        # Demo data only: one hash (about 20-50 ms of Argon2) shared by every demo account. Real
        # accounts each get their own salt through `users.add_user`.
        password_hash = users.hash_password(DEMO_PASSWORD)
        users.insert_accounts(ctx, session, accounts, [password_hash] * len(accounts), own_password=True)
        return [a.username for a in accounts]
