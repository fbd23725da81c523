"""Run the wmo-abm command line as ``python -m agents_model``."""

from agents_model.cli import main

if __name__ == "__main__":
    main(prog_name="wmo-abm")
