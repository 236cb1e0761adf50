"""The Compose page's model: the request-group document a person edits in the browser.

The page edits exactly the JSON that ``POST /api/requestgroups/`` takes. :mod:`.document` turns
the posted form into that document and back, :mod:`.choices` offers what the chosen instrument
has, :mod:`.feedback` puts the API's errors and durations next to their fields, :mod:`.resolver`
finds targets by name, :mod:`.tom` runs TOM Toolkit's redirect flow and :mod:`.plots` prepares
the figures.
"""
