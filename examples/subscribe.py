"""Moved: the subscriber is now the kit `aufbruch_subscriber` (see docs/events.md, "Subscriber kit").

aufbruch-subscribe --queue stadtplan.ideas --bind ideas.events:idea.published
"""

from aufbruch_subscriber.cli import main

raise SystemExit(main())
