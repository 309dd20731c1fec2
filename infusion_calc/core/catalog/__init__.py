"""The catalog and names: drugs, products and their NDCs, CMS codes and their dates,
indications, containers."""
