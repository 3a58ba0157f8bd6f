class Node:
    def __init__(self, *, executable, package=None, name=None, namespace=None, exec_name=None, parameters=None,
                 remappings=None, ros_arguments=None, arguments=None, output='log', respawn=False, **kwargs):
        self.executable, self.package, self.name, self.namespace = executable, package, name, namespace
        self.parameters, self.remappings = list(parameters or []), list(remappings or [])
        self.ros_arguments, self.arguments = ros_arguments, arguments


class SetParameter:
    def __init__(self, name, value, **kwargs):
        self.name, self.value = name, value


class SetRemap:
    def __init__(self, src, dst, **kwargs):
        self.src, self.dst = src, dst


class PushRosNamespace:
    def __init__(self, namespace, **kwargs):
        self.namespace = namespace
