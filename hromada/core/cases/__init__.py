"""The case core: what every module whose records move through states shares.

- `workflow`: a state machine as a table of `Transition`s, and one `Workflow.check()` that
  decides whether a transition may run, always in the same order (permission, then state, then
  the transition's guard).
- `actions`: the helpers every action uses: `require` a permission, `lock` a row for the
  transaction, `apply_transition` (check, change, save, write the event).
- `models`: `CaseEvent`, the abstract timeline row each module's event model inherits.

Appeals, petitions and the participatory budget use them; so does every module that is added.
"""
