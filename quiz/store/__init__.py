"""The store: the only code that writes the database.

Drafts and their editing rules, publishing and the published versions, results, admin
accounts and their sessions, the analytics counts, the export, the audit log, seeding and
demo data. It imports from core, the models and the database handle, never from web, public
or admin.
"""
