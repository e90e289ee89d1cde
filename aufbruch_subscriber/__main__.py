import sys

from aufbruch_subscriber.cli import main

sys.exit(main())
