"""Who may open the component catalogue: the platform's administrators."""

import rules

rules.add_perm("ui.view_catalogue", rules.is_superuser)
