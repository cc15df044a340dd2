from social.models.comments import Comment
from social.models.engagement import Like, Save, SaveCollection
from social.models.reports import ModerationCase, Report

__all__ = ["Comment", "Like", "ModerationCase", "Report", "Save", "SaveCollection"]
