"""Letters: the notices a case owes the customer, as text, HTML, PDF and email.

An adapter beside ``domain/``: it reads a notice's content from the domain
(``domain.notice_content``), checks it against the domain's notice rules, and words it from
the Jinja2 templates in ``templates/`` in the customer's language (``catalogues/``) and format.
"""
