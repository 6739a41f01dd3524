import sys
from pathlib import Path

# demo_data (key relations, MIREX weights) is a sibling package under tools/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pool_label_quality.cli import main  # noqa: E402

sys.exit(main())
