"""The simulator as a ROS 2 node plus the full Sensorium stack (stack.launch.yaml).

    ros2 launch sensorium_bringup sim.launch.py scenario:=sim/scenarios/pedestrian-crossing.yaml

The simulator steps on wall time and publishes `clock`; every other node runs on that sim time
(use_sim_time). Same graph as sim.launch.yaml and sim.launch.xml (test/ros-packaging checks it).
"""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription
from launch.launch_description_sources import AnyLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution, ThisLaunchFileDir
from launch_ros.actions import Node, SetParameter


def generate_launch_description():
    return LaunchDescription([
        DeclareLaunchArgument('scenario', default_value='sim/scenarios/static-obstacle-field.yaml',
                              description='scenario YAML, relative to the repository root'),
        DeclareLaunchArgument('use_sim_time', default_value='true',
                              description="stack nodes follow the simulator's clock topic"),
        DeclareLaunchArgument('seed', default_value='-1',
                              description="simulator seed; -1 uses the scenario's"),
        # The simulator is the time source, so it alone keeps use_sim_time false.
        Node(
            package='sensorium_bringup',
            executable='simulator',
            name='simulator',
            parameters=[
                PathJoinSubstitution([ThisLaunchFileDir(), 'params', 'simulator.yaml']),
                {'scenario': LaunchConfiguration('scenario')},
                {'seed': LaunchConfiguration('seed')},
                {'use_sim_time': False},
            ],
        ),
        SetParameter(name='use_sim_time', value=LaunchConfiguration('use_sim_time')),
        IncludeLaunchDescription(
            AnyLaunchDescriptionSource(PathJoinSubstitution([ThisLaunchFileDir(), 'stack.launch.yaml'])),
        ),
    ])
