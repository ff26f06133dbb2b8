"""Why a task run was recorded as failed by the platform rather than by the task itself."""


class TaskTimeLimitExceeded(BaseException):
    """The run took longer than its time limit and was stopped.

    A BaseException, like KeyboardInterrupt, so that a task's own ``except Exception`` does not
    swallow it."""


class WorkerLost(Exception):
    """The run's worker died (killed, machine lost) too many times; the task is not handed out again."""
