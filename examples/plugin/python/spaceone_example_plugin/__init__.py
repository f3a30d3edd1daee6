"""Example SpaceONE plugins; the records they stream are listed in ../README.md."""
