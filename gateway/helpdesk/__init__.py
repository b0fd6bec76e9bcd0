"""The helpdesk (mesa de ayuda): one more SOAP service of the gateway, on the same SQL core.

    codes.py        every ReturnCode the service answers, and the refusal that carries one
    commands.py     what the adapters hand to the use cases and get back (plain data)
    accounts.py     people, companies, sign-up links, passwords, sessions (use cases)
    requests.py     catalog, requests, comments, sharing, workflow, survey, SLA (use cases)
    notifications.py  the e-mails the helpdesk sends, queued in the mail outbox
    jobs.py         the time-driven rules: auto-close after Pre-cierre, SLA breaches
    soap/           the `MesaDeAyuda.asmx` contract on the ASMX shell of `gateway.soap`

The domain rules live in `gateway.domain.helpdesk_*` (workflow, SLA, catalog) and the store in
`gateway.store.helpdesk_*`. A web portal can sit on the use cases next: nothing in them speaks
SOAP.
"""
