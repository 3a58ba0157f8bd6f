class AnyLaunchDescriptionSource:
    def __init__(self, launch_file_path):
        self.path = launch_file_path


PythonLaunchDescriptionSource = AnyLaunchDescriptionSource
FrontendLaunchDescriptionSource = AnyLaunchDescriptionSource
