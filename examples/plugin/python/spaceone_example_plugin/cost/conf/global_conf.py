# Read by spaceone-core at start; the example needs no settings beyond spaceone-core's defaults.
LOG = {}
