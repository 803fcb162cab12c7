#!/usr/bin/env python
from carboncert.cli import main

if __name__ == "__main__":
    main()
