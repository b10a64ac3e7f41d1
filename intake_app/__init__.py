"""Event Lead Intake: get event leads into the lead-management process fast and clean."""

__version__ = "0.8.1"
APP_NAME = "Event Lead Intake"
APP_ID = "EventLeadIntake"
