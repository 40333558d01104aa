from mmcanet_core.cli import main

raise SystemExit(main())
