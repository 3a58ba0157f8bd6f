class LaunchConfiguration:
    def __init__(self, variable_name, *, default=None):
        self.variable_name = variable_name


class ThisLaunchFileDir:
    def __init__(self):
        pass


class PathJoinSubstitution:
    def __init__(self, substitutions):
        self.substitutions = list(substitutions)
