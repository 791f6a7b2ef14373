"""Meeting pre-disclosure (《三门峡市政府重大会议预公开制度》): notices, applications, opinions."""
