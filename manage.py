#!/usr/bin/env python3
import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
    from chinhquyen.cli import main

    main()
