"""Prints, as JSON, the YAML-launch-format actions a .launch.py describes (run with pystubs/ on sys.path)."""
import importlib.util
import json
import sys

from launch.actions import DeclareLaunchArgument, GroupAction, IncludeLaunchDescription
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution, ThisLaunchFileDir
from launch_ros.actions import Node, PushRosNamespace, SetParameter, SetRemap


def text(value):
    """A substitution as the XML/YAML frontends spell it."""
    if isinstance(value, str):
        return value
    if isinstance(value, LaunchConfiguration):
        return '$(var %s)' % value.variable_name
    if isinstance(value, ThisLaunchFileDir):
        return '$(dirname)'
    if isinstance(value, PathJoinSubstitution):
        return '/'.join(text(s) for s in value.substitutions)
    if isinstance(value, (list, tuple)):
        return ''.join(text(s) for s in value)
    raise TypeError('unsupported substitution %r' % (value,))


def param_value(value):
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, (bool, int, float, str)) for v in value):
        return list(value)
    return text(value)


def action(a):
    if isinstance(a, DeclareLaunchArgument):
        body = {'name': a.name}
        if a.default_value is not None:
            body['default'] = text(a.default_value)
        if a.description is not None:
            body['description'] = a.description
        return {'arg': body}
    if isinstance(a, Node):
        body = {'pkg': text(a.package), 'exec': text(a.executable)}
        if a.name is not None:
            body['name'] = text(a.name)
        if a.namespace is not None:
            body['namespace'] = text(a.namespace)
        params = []
        for p in a.parameters:
            if isinstance(p, dict):
                params.extend({'name': k, 'value': param_value(v)} for k, v in p.items())
            else:
                params.append({'from': text(p)})
        if params:
            body['param'] = params
        if a.remappings:
            body['remap'] = [{'from': text(f), 'to': text(t)} for f, t in a.remappings]
        return {'node': body}
    if isinstance(a, SetParameter):
        return {'set_parameter': {'name': a.name, 'value': param_value(a.value)}}
    if isinstance(a, SetRemap):
        return {'set_remap': {'from': text(a.src), 'to': text(a.dst)}}
    if isinstance(a, PushRosNamespace):
        return {'push_ros_namespace': {'namespace': text(a.namespace)}}
    if isinstance(a, IncludeLaunchDescription):
        body = {'file': text(a.source.path)}
        if a.launch_arguments:
            body['arg'] = [{'name': text(k), 'value': text(v)} for k, v in a.launch_arguments]
        return {'include': body}
    if isinstance(a, GroupAction):
        return {'group': {'scoped': a.scoped, 'children': [action(c) for c in a.actions]}}
    raise TypeError('unsupported launch action %r' % (a,))


spec = importlib.util.spec_from_file_location('launch_file', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
description = module.generate_launch_description()
print(json.dumps({'launch': [action(a) for a in description.entities]}))
