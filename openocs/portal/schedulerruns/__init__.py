"""The scheduler's runs as it reports them (an OpenOCS extension beyond the reference API).

The scheduler daemon POSTs one report per cycle to ``/api/scheduler/runs/`` (staff token): when,
how long, the kernel, how many requests it considered, placed and left out, value, bound and gap,
and for each request left out the reason it gives (scheduler-contract.md §6.9). The portal keeps
the last ``OCS_SCHEDULER_RUNS_KEEP`` runs, shows them to staff (``/scheduler/``) and shows a
request's latest explanation on its page.
"""
