class DeclareLaunchArgument:
    def __init__(self, name, *, default_value=None, description=None, choices=None, **kwargs):
        self.name, self.default_value, self.description, self.choices = name, default_value, description, choices


class IncludeLaunchDescription:
    def __init__(self, launch_description_source, *, launch_arguments=None, **kwargs):
        self.source = launch_description_source
        self.launch_arguments = list(launch_arguments.items() if isinstance(launch_arguments, dict) else (launch_arguments or []))


class GroupAction:
    def __init__(self, actions, *, scoped=True, forwarding=True, launch_configurations=None, **kwargs):
        self.actions, self.scoped = list(actions), scoped
