import sys

from gantoy.cli import main

sys.exit(main())
