"""The site build: the catalogue turned into mkdocs pages, and the whole build into site/."""
