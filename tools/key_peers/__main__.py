import sys

from .essentia_key import main

sys.exit(main())
