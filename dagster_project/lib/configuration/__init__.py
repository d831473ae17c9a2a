"""The council's configuration: which council (the reference list of councils) and its own folder of settings,
code mappings and postcode directory."""
