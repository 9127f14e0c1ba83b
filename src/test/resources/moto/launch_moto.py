"""Starts moto_server with one fix applied: getmoto/moto#10077.

moto 5.2.x deep-copies the state machine on every StartExecution. Once the first execution exists,
the copy reaches that execution's thread lock and fails ("cannot pickle '_thread.RLock' object"),
so every later StartExecution answers HTTP 500. The clone only needs the definition, so we copy the
state machine without its execution list. Fixed upstream after 5.2.1; harmless on versions that have the fix.
"""
import copy
import sys

from moto.stepfunctions import models as sfn_models


def _deepcopy_without_executions(self, memo):
    cls = self.__class__
    clone = cls.__new__(cls)
    memo[id(self)] = clone
    for key, value in self.__dict__.items():
        setattr(clone, key, [] if key == "executions" else copy.deepcopy(value, memo))
    return clone


sfn_models.StateMachineInstance.__deepcopy__ = _deepcopy_without_executions

from moto.server import main  # noqa: E402  (after the patch, on purpose)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
