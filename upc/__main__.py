from upc.cli import main

raise SystemExit(main())
