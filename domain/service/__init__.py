"""The application service's commands, by the lifecycle's seams; ``domain.application``
combines them into ``CaseService``."""
