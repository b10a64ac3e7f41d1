"""Event Lead Intake: get event leads into the lead-management process fast and clean."""

__version__ = "0.8.0"
APP_NAME = "Event Lead Intake"
APP_ID = "EventLeadIntake"
