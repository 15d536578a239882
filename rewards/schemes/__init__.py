"""Points schemes: the currency points are earned and spent in (DESIGN.md, "Points schemes")."""
