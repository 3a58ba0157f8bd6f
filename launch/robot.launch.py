"""The full Sensorium stack (stack.launch.yaml) on a real robot, its drivers' topics remapped into Sensorium's.

Defaults fit an Ouster LiDAR, a RealSense camera, audio_common capture and a base on /cmd_vel; override
per robot:

    ros2 launch sensorium_bringup robot.launch.py lidar_topic:=/velodyne_points camera_topic:=/image_raw

Same graph as robot.launch.yaml and robot.launch.xml (test/ros-packaging checks it).
"""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription
from launch.launch_description_sources import AnyLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution, ThisLaunchFileDir
from launch_ros.actions import SetParameter, SetRemap

# (launch argument, default, Sensorium topic it is remapped onto, what it carries)
DRIVER_TOPICS = [
    ('lidar_topic', '/ouster/points', 'lidar/points', 'sensor_msgs/PointCloud2 (x y z float32 fields)'),
    ('camera_topic', '/camera/color/image_raw', 'camera/image_raw', 'sensor_msgs/Image (rgb8, bgr8, mono8, rgba8)'),
    ('camera_info_topic', '/camera/color/camera_info', 'camera/camera_info', 'sensor_msgs/CameraInfo'),
    ('audio_topic', '/audio_stamped', 'audio/audio', 'audio_common_msgs/AudioDataStamped'),
    ('audio_info_topic', '/audio_info', 'audio/info', 'audio_common_msgs/AudioInfo'),
    ('tactile_topic', '/skin/tactile', 'touch/tactile', 'sensorium_msgs/TactileArray'),
    ('odom_topic', '/odom', 'odom', 'nav_msgs/Odometry'),
    ('goal_topic', '/goal_pose', 'goal_pose', 'geometry_msgs/PoseStamped (rviz2 2D Goal Pose)'),
    ('cmd_vel_topic', '/cmd_vel', 'cmd_vel', "geometry_msgs/Twist the base drives from (the safety supervisor's output)"),
]


def generate_launch_description():
    arguments = [DeclareLaunchArgument(name, default_value=default, description=description)
                 for name, default, _, description in DRIVER_TOPICS]
    arguments.append(DeclareLaunchArgument('use_sim_time', default_value='false',
                                           description='true when replaying a bag with --clock'))
    remaps = [SetRemap(src=topic, dst=LaunchConfiguration(name)) for name, _, topic, _ in DRIVER_TOPICS]
    return LaunchDescription(arguments + [
        SetParameter(name='use_sim_time', value=LaunchConfiguration('use_sim_time')),
    ] + remaps + [
        IncludeLaunchDescription(
            AnyLaunchDescriptionSource(PathJoinSubstitution([ThisLaunchFileDir(), 'stack.launch.yaml'])),
        ),
    ])
