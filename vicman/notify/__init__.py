"""Reaching people: the email outbox (what to send, kept in the database) and the SMTP sender.

`outbox` decides nothing and sends nothing: it stores messages, hands out those that are due, and
records what became of each. `smtp` sends one message (or several over one connection) and says in
plain words why it could not. `vicman.services.mail` joins the two.
"""
